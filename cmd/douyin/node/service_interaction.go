package node

// interactionService is not implemented yet.
func interactionService() *service { return nil }
