package app

// interactionRoutes registers the like and comment routes; all need a token.
func (r router) interactionRoutes() {
	r.authed("/favorite/action/", r.hd.FavoriteAction)
	r.authed("/favorite/list/", r.hd.FavoriteList)
	r.authed("/comment/action/", r.hd.CommentAction)
	r.authed("/comment/list/", r.hd.CommentList)
}
