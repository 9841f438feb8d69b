// Shared types of the douyin services. Field names are the HTTP contract's
// JSON names, so the gateway can serialise these structs as they are.
namespace go base

// BaseResp carries a business outcome across every RPC: status_code 0 is
// success, anything else is a code from pkg/errno.
struct BaseResp {
    1: i32 status_code
    2: string status_msg
}

struct User {
    1: i64 id
    2: string name
    3: i64 follow_count
    4: i64 follower_count
    5: bool is_follow
    6: string avatar
    7: string background_image
    8: string signature
    9: i64 total_favorited
    10: i64 work_count
    11: i64 favorite_count
}

struct Video {
    1: i64 id
    2: User author
    3: string play_url
    4: string cover_url
    5: i64 favorite_count
    6: i64 comment_count
    7: bool is_favorite
    8: string title
}

struct Comment {
    1: i64 id
    2: User user
    3: string content
    4: string create_date
}

struct Message {
    1: i64 id
    2: i64 to_user_id
    3: i64 from_user_id
    4: string content
    5: i64 create_time
}

// FriendUser is a User flattened with the latest message between the two
// users; msgType is camelCase because the client reads it so.
struct FriendUser {
    1: i64 id
    2: string name
    3: i64 follow_count
    4: i64 follower_count
    5: bool is_follow
    6: string avatar
    7: string background_image
    8: string signature
    9: i64 total_favorited
    10: i64 work_count
    11: i64 favorite_count
    12: string message
    13: i64 msgType
}

// Page asks for one page of a list: the items after cursor (an opaque
// position a previous answer returned; "" for the first page), at most
// count of them (0: the list's default size; more than its maximum is cut
// to the maximum). Clients that know nothing of pages get the first page.
struct Page {
    1: string cursor
    2: i32 count
}

// PageInfo tells where the next page starts, if there is one.
struct PageInfo {
    1: string next_cursor
    2: bool has_more
}
