package node

// messageService is not implemented yet.
func messageService() *service { return nil }
