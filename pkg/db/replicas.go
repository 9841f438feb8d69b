package db

import (
	"gorm.io/gorm"
	"gorm.io/plugin/dbresolver"
)

// replicaResolver names the read replicas in gorm's dbresolver.
const replicaResolver = "douyin:replicas"

// UseReplicas lets Aged reads go to replicas (chosen at random). Every
// other statement keeps going to the primary: a replica may lag, and the
// caches, which are checked against generations bumped after each commit,
// must never be filled from a copy older than the commit.
func UseReplicas(gdb *gorm.DB, replicas ...gorm.Dialector) error {
	if len(replicas) == 0 {
		return nil
	}
	return gdb.Use(dbresolver.Register(dbresolver.Config{Replicas: replicas, Policy: dbresolver.RandomPolicy{}}, replicaResolver))
}

// Aged sends q's reads to a read replica, when there are replicas. Use it
// only for rows that are never changed and old enough that every replica
// has them: append-only timelines (videos, messages) read at a point older
// than the replicas' lag bound.
func Aged(q *gorm.DB) *gorm.DB {
	return q.Clauses(dbresolver.Use(replicaResolver))
}
