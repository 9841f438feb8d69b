// Package idlist holds helpers for lists of entity ids.
package idlist

// UniquePositive returns ids without duplicates and without ids that can
// name no entity (zero or negative), in their first-seen order.
func UniquePositive(ids []int64) []int64 {
	seen := make(map[int64]bool, len(ids))
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		if id > 0 && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// Collect is the ids that ids picks from each of items, without
// duplicates, in first-seen order.
func Collect[E any](items []E, ids func(E) []int64) []int64 {
	var all []int64
	for _, it := range items {
		all = append(all, ids(it)...)
	}
	return UniquePositive(all)
}
