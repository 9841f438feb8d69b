// message owns chat messages between users.
namespace go message

include "base.thrift"

struct SendMessageRequest {
    1: i64 from_user_id
    2: i64 to_user_id
    3: i32 action_type // 1 send
    4: string content
}

struct SendMessageResponse {
    1: base.BaseResp base_resp
}

// ChatRequest lists both directions between user_id and to_user_id, oldest
// first, only messages with create_time > pre_msg_time (milliseconds).
struct ChatRequest {
    1: i64 user_id
    2: i64 to_user_id
    3: i64 pre_msg_time
    4: base.Page page
}

struct ChatResponse {
    1: base.BaseResp base_resp
    2: list<base.Message> messages
    3: base.PageInfo page_info
}

// LatestMessages returns, for each peer, the latest message between user_id
// and that peer; peers with no messages are left out.
struct LatestMessagesRequest {
    1: i64 user_id
    2: list<i64> peer_ids
}

struct LatestMessagesResponse {
    1: base.BaseResp base_resp
    2: map<i64, base.Message> messages
}

service MessageService {
    SendMessageResponse SendMessage(1: SendMessageRequest req)
    ChatResponse Chat(1: ChatRequest req)
    LatestMessagesResponse LatestMessages(1: LatestMessagesRequest req)
}
