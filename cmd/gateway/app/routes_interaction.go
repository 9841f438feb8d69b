package app

// interactionRoutes registers the interaction routes (not implemented yet).
func (r router) interactionRoutes() {}
