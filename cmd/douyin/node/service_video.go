package node

// videoService is not implemented yet.
func videoService() *service { return nil }
