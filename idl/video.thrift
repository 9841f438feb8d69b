// video owns videos, their media objects and the per-video counters.
namespace go video

include "base.thrift"

// PublishRequest names an upload already staged in object storage by the
// gateway; the video service probes it, cuts a cover and publishes it.
struct PublishRequest {
    1: i64 author_id
    2: string title
    3: string upload_key
}

struct PublishResponse {
    1: base.BaseResp base_resp
    2: i64 video_id
}

// latest_time is in milliseconds; 0 means now.
struct FeedRequest {
    1: i64 viewer_id
    2: i64 latest_time
}

struct FeedResponse {
    1: base.BaseResp base_resp
    2: list<base.Video> videos
    3: i64 next_time
}

struct PublishListRequest {
    1: i64 viewer_id
    2: i64 user_id
    3: base.Page page
}

struct PublishListResponse {
    1: base.BaseResp base_resp
    2: list<base.Video> videos
    3: base.PageInfo page_info
}

// MGetVideos returns the videos it found in the order of video_ids, with
// authors and is_favorite relative to viewer_id. Unknown ids are left out.
struct MGetVideosRequest {
    1: i64 viewer_id
    2: list<i64> video_ids
    // Set by the interaction service, which owns likes and fills
    // is_favorite itself: the videos come back with it false, and the
    // video service does not call the interaction service back.
    3: bool without_is_favorite
}

struct MGetVideosResponse {
    1: base.BaseResp base_resp
    2: list<base.Video> videos
}

// VideoAuthors maps each known video id to its author id; interaction uses
// it to check existence and to address counter events.
struct VideoAuthorsRequest {
    1: list<i64> video_ids
}

struct VideoAuthorsResponse {
    1: base.BaseResp base_resp
    2: map<i64, i64> author_ids
}

service VideoService {
    PublishResponse Publish(1: PublishRequest req)
    FeedResponse Feed(1: FeedRequest req)
    PublishListResponse PublishList(1: PublishListRequest req)
    MGetVideosResponse MGetVideos(1: MGetVideosRequest req)
    VideoAuthorsResponse VideoAuthors(1: VideoAuthorsRequest req)
}
