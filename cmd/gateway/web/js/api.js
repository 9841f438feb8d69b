// The public HTTP API (see README), with the session kept in localStorage.

const KEY = 'douyin.session';

export class ApiError extends Error {
  constructor(code, msg) {
    super(msg);
    this.code = code;
  }
}

export const session = {
  get() {
    try {
      const s = JSON.parse(localStorage.getItem(KEY));
      return s && s.token && s.user_id ? s : null;
    } catch {
      return null;
    }
  },
  set(userId, token, name) {
    localStorage.setItem(KEY, JSON.stringify({ user_id: userId, token, name }));
  },
  clear() {
    localStorage.removeItem(KEY);
  },
};

function withToken(params, optional) {
  const out = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== undefined && v !== null) out.set(k, String(v));
  }
  const s = session.get();
  if (s) out.set('token', s.token);
  else if (!optional) throw new ApiError(10003, 'Log in first.');
  return out;
}

async function decode(res) {
  if (!res.ok) throw new ApiError(-1, `The server answered HTTP ${res.status}.`);
  const body = await res.json();
  if (body.status_code !== 0) {
    // A token the server no longer accepts ends the session.
    if (body.status_code === 10004) session.clear();
    throw new ApiError(body.status_code, body.status_msg);
  }
  return body;
}

async function request(method, path, params, { optionalToken = false, noToken = false } = {}) {
  const form = noToken ? new URLSearchParams(params) : withToken(params, optionalToken);
  let res;
  try {
    if (method === 'GET') {
      res = await fetch(`${path}?${form}`, { headers: { Accept: 'application/json' } });
    } else {
      res = await fetch(path, { method, body: form, headers: { Accept: 'application/json' } });
    }
  } catch {
    throw new ApiError(-1, 'The server cannot be reached. Check your connection.');
  }
  return decode(res);
}

export const api = {
  feed: (latestTime) => request('GET', '/douyin/feed/', { latest_time: latestTime || undefined }, { optionalToken: true }),
  register: (username, password) => request('POST', '/douyin/user/register/', { username, password }, { noToken: true }),
  login: (username, password) => request('POST', '/douyin/user/login/', { username, password }, { noToken: true }),
  user: (userId) => request('GET', '/douyin/user/', { user_id: userId }),
  publishList: (userId) => request('GET', '/douyin/publish/list/', { user_id: userId }),
  favorite: (videoId, like) => request('POST', '/douyin/favorite/action/', { video_id: videoId, action_type: like ? 1 : 2 }),
  favoriteList: (userId) => request('GET', '/douyin/favorite/list/', { user_id: userId }),
  comment: (videoId, text) => request('POST', '/douyin/comment/action/', { video_id: videoId, action_type: 1, comment_text: text }),
  deleteComment: (videoId, commentId) => request('POST', '/douyin/comment/action/', { video_id: videoId, action_type: 2, comment_id: commentId }),
  comments: (videoId) => request('GET', '/douyin/comment/list/', { video_id: videoId }),
  follow: (userId, on) => request('POST', '/douyin/relation/action/', { to_user_id: userId, action_type: on ? 1 : 2 }),
  followList: (userId) => request('GET', '/douyin/relation/follow/list/', { user_id: userId }),
  followerList: (userId) => request('GET', '/douyin/relation/follower/list/', { user_id: userId }),
  friendList: (userId) => request('GET', '/douyin/relation/friend/list/', { user_id: userId }),
  send: (toUserId, content) => request('POST', '/douyin/message/action/', { to_user_id: toUserId, action_type: 1, content }),
  chat: (toUserId, preMsgTime) => request('GET', '/douyin/message/chat/', { to_user_id: toUserId, pre_msg_time: preMsgTime || 0 }),
};

// publish uploads file with title through XMLHttpRequest, whose upload
// events report progress (fetch cannot). onProgress gets 0..1.
export function publish(file, title, onProgress) {
  const s = session.get();
  if (!s) return Promise.reject(new ApiError(10003, 'Log in first.'));
  const form = new FormData();
  form.append('token', s.token);
  form.append('title', title);
  form.append('data', file, file.name);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/douyin/publish/action/');
    xhr.responseType = 'json';
    xhr.upload.addEventListener('progress', (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    });
    xhr.addEventListener('load', () => {
      const body = xhr.response;
      if (xhr.status !== 200 || !body) reject(new ApiError(-1, `The server answered HTTP ${xhr.status}.`));
      else if (body.status_code !== 0) reject(new ApiError(body.status_code, body.status_msg));
      else resolve(body);
    });
    xhr.addEventListener('error', () => reject(new ApiError(-1, 'The upload was interrupted. Check your connection and try again.')));
    xhr.send(form);
  });
}
