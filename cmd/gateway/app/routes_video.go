package app

// videoRoutes registers the video routes (not implemented yet).
func (r router) videoRoutes() {}
