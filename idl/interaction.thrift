// interaction owns favorites (likes) and comments.
namespace go interaction

include "base.thrift"

struct FavoriteActionRequest {
    1: i64 user_id
    2: i64 video_id
    3: i32 action_type // 1 like, 2 unlike
}

struct FavoriteActionResponse {
    1: base.BaseResp base_resp
}

struct FavoriteListRequest {
    1: i64 viewer_id
    2: i64 user_id
    3: base.Page page
}

struct FavoriteListResponse {
    1: base.BaseResp base_resp
    2: list<base.Video> videos
    3: base.PageInfo page_info
}

// MIsFavorite answers, for each video id, whether user_id likes it.
struct MIsFavoriteRequest {
    1: i64 user_id
    2: list<i64> video_ids
}

struct MIsFavoriteResponse {
    1: base.BaseResp base_resp
    2: map<i64, bool> is_favorite
}

struct CommentActionRequest {
    1: i64 user_id
    2: i64 video_id
    3: i32 action_type // 1 post, 2 delete
    4: string comment_text
    5: i64 comment_id
}

struct CommentActionResponse {
    1: base.BaseResp base_resp
    2: optional base.Comment comment
}

struct CommentListRequest {
    1: i64 viewer_id
    2: i64 video_id
    3: base.Page page
}

struct CommentListResponse {
    1: base.BaseResp base_resp
    2: list<base.Comment> comments
    3: base.PageInfo page_info
}

service InteractionService {
    FavoriteActionResponse FavoriteAction(1: FavoriteActionRequest req)
    FavoriteListResponse FavoriteList(1: FavoriteListRequest req)
    MIsFavoriteResponse MIsFavorite(1: MIsFavoriteRequest req)
    CommentActionResponse CommentAction(1: CommentActionRequest req)
    CommentListResponse CommentList(1: CommentListRequest req)
}
