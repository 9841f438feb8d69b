package app

// messageRoutes registers the message routes (not implemented yet).
func (r router) messageRoutes() {}
