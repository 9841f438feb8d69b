package app

// messageRoutes registers the chat routes and the friend list, which lives
// here because it joins friends with their latest messages.
func (r router) messageRoutes() {
	r.authed("/message/action/", r.hd.MessageAction)
	r.authed("/message/chat/", r.hd.MessageChat)
	r.authed("/relation/friend/list/", r.hd.FriendList)
}
