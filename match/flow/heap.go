package flow

import "math/bits"

// radixHeap is a monotone priority queue for non-negative int64 keys: Dijkstra on reduced costs
// never pops a key below the last one popped, so items can be bucketed by the highest bit in
// which they differ from that key. Each item moves down at most 64 buckets over its life, and
// push is an append, which beats a binary heap's log n swaps on the short searches Solve makes.
type radixHeap struct {
	last    int64
	size    int
	buckets [65][]heapItem
}

type heapItem struct {
	key  int64
	node int32
}

func (h *radixHeap) reset() {
	if h.size > 0 {
		for i := range h.buckets {
			h.buckets[i] = h.buckets[i][:0]
		}
	}
	h.last = 0
	h.size = 0
}

func (h *radixHeap) bucket(key int64) int {
	return bits.Len64(uint64(key ^ h.last))
}

func (h *radixHeap) push(key int64, node int32) {
	b := h.bucket(key)
	h.buckets[b] = append(h.buckets[b], heapItem{key, node})
	h.size++
}

// pop removes an item with the smallest key; the caller guarantees key >= last for all pushes.
func (h *radixHeap) pop() (int64, int32) {
	if len(h.buckets[0]) == 0 {
		i := 1
		for len(h.buckets[i]) == 0 {
			i++
		}
		items := h.buckets[i]
		minKey := items[0].key
		for _, it := range items[1:] {
			minKey = min(minKey, it.key)
		}
		h.last = minKey
		for _, it := range items {
			b := h.bucket(it.key)
			h.buckets[b] = append(h.buckets[b], it)
		}
		h.buckets[i] = items[:0]
	}
	b0 := h.buckets[0]
	it := b0[len(b0)-1]
	h.buckets[0] = b0[:len(b0)-1]
	h.size--
	return it.key, it.node
}
