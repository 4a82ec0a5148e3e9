// Package rpc speaks XML-RPC as twenty years of tooling speaks it, and
// survives what a hostile peer sends.
//
// It owns three things:
//
//   - The codec (DecodeCall, DecodeResponse, AppendCall, AppendResponse,
//     AppendFault): liberal in what it reads, conservative in what it
//     writes, with every Limits field enforced while tokenising. Values keep
//     struct member order and a dateTime's original text, so a relayed
//     value goes out as it came in.
//   - The Server, an http.Handler: POST on any path is a call, GET and HEAD
//     go to a page handler. Methods have several names, a help text and
//     signatures; the co2 and standard introspection names and
//     system.multicall come built in. Faults travel in HTTP 200; a handler
//     error that is not a *Fault, and a recovered panic, become a generic
//     -32603 whose detail goes only to the log.
//   - The Client, safe for any number of goroutines: per-call deadlines, a
//     keep-alive pool whose calls run on their callers' goroutines (plain
//     http; https goes through net/http), no redirects, no compression
//     asked for, replies capped in size and depth, faults returned as
//     *Fault.
//
// The contract a caller keeps: register every method before serving (the
// method table is read without a lock), and treat Values as immutable once
// handed over. rpc imports no other package of this project.
package rpc
