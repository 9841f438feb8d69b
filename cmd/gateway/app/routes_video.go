package app

// videoRoutes registers feed, publish and the media files behind play_url
// and cover_url. Publish checks its token itself: the auth middleware would
// read the whole multipart body to look for it.
func (r router) videoRoutes() {
	r.optional("/feed/", r.hd.Feed)
	r.open("/publish/action/", r.hd.PublishAction)
	r.authed("/publish/list/", r.hd.PublishList)
}
