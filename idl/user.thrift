// user owns accounts, profiles, follow relations and every user counter.
namespace go user

include "base.thrift"

struct RegisterRequest {
    1: string username
    2: string password
}

struct RegisterResponse {
    1: base.BaseResp base_resp
    2: i64 user_id
}

struct LoginRequest {
    1: string username
    2: string password
}

struct LoginResponse {
    1: base.BaseResp base_resp
    2: i64 user_id
}

// viewer_id is the acting user (0 when anonymous); it decides is_follow.
struct GetUserRequest {
    1: i64 viewer_id
    2: i64 user_id
}

struct GetUserResponse {
    1: base.BaseResp base_resp
    2: base.User user
}

// MGetUsers returns the users it found, keyed by id, so that a caller can
// assemble a list of any length with one call. Unknown ids are left out.
struct MGetUsersRequest {
    1: i64 viewer_id
    2: list<i64> user_ids
}

struct MGetUsersResponse {
    1: base.BaseResp base_resp
    2: map<i64, base.User> users
}

struct FollowRequest {
    1: i64 user_id
    2: i64 to_user_id
    3: i32 action_type // 1 follow, 2 unfollow
}

struct FollowResponse {
    1: base.BaseResp base_resp
}

struct RelationListRequest {
    1: i64 viewer_id
    2: i64 user_id
    3: base.Page page
}

struct RelationListResponse {
    1: base.BaseResp base_resp
    2: list<base.User> users
    3: base.PageInfo page_info
}

service UserService {
    RegisterResponse Register(1: RegisterRequest req)
    LoginResponse Login(1: LoginRequest req)
    GetUserResponse GetUser(1: GetUserRequest req)
    MGetUsersResponse MGetUsers(1: MGetUsersRequest req)
    FollowResponse Follow(1: FollowRequest req)
    RelationListResponse FollowList(1: RelationListRequest req)
    RelationListResponse FollowerList(1: RelationListRequest req)
    // FriendList is the users who follow user_id and whom user_id follows.
    RelationListResponse FriendList(1: RelationListRequest req)
}
