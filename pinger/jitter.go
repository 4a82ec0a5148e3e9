package pinger

import (
	"hash/fnv"
	"math/bits"
	"time"
)

// hashJitter returns a stable offset of target in [0, interval): a 64-bit
// hash of the name, mixed so that names differing in one character land far
// apart, scaled to the interval by its high bits (no modulo bias).
func hashJitter(target string, interval time.Duration) time.Duration {
	if interval <= 0 {
		return 0
	}
	h := fnv.New64a()
	h.Write([]byte(target))
	hi, _ := bits.Mul64(mix64(h.Sum64()), uint64(interval))
	return time.Duration(hi)
}

// mix64 is the splitmix64 finaliser: FNV-1a alone leaves host_ids that
// differ only in their last digits close together in the high bits.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// normalizeOffset brings a Jitter value into [0, interval).
func normalizeOffset(d, interval time.Duration) time.Duration {
	d %= interval
	if d < 0 {
		d += interval
	}
	return d
}
