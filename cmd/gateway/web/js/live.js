// Live chat over the gateway's WebSocket (docs/websocket.md): one socket
// per tab, reconnecting with backoff; each open conversation is synced
// from the last create_time this tab saw, so a reconnect neither misses
// nor repeats a message.

import { session } from './api.js';

const listeners = new Set(); // fn(message)
const statusListeners = new Set(); // fn(state): 'live' | 'connecting' | 'offline'
const lastSeen = new Map(); // peer id -> last create_time seen
let ws = null;
let state = 'offline';
let retry = 0;
let timer = null;

function setState(s) {
  state = s;
  for (const fn of statusListeners) fn(s);
}

function peerOf(m, me) {
  return m.from_user_id === me ? m.to_user_id : m.from_user_id;
}

function sync(peer) {
  if (ws && ws.readyState === WebSocket.OPEN && state === 'live') {
    ws.send(JSON.stringify({ type: 'sync', to_user_id: peer, pre_msg_time: lastSeen.get(peer) || 0 }));
  }
}

function schedule(delay) {
  clearTimeout(timer);
  timer = setTimeout(connect, delay);
}

function connect() {
  const s = session.get();
  if (!s || ws) return;
  setState('connecting');
  const url = new URL('/douyin/message/ws/', location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set('token', s.token);
  const sock = new WebSocket(url);
  ws = sock;
  let refusedForGood = false;
  sock.onmessage = (e) => {
    let f;
    try {
      f = JSON.parse(e.data);
    } catch {
      return;
    }
    if (f.type === 'ready') {
      retry = 0;
      setState('live');
      for (const peer of lastSeen.keys()) sync(peer);
    } else if (f.type === 'message') {
      const m = f.message;
      const peer = peerOf(m, s.user_id);
      if (lastSeen.has(peer) && m.create_time <= lastSeen.get(peer)) return;
      if (lastSeen.has(peer)) lastSeen.set(peer, m.create_time);
      for (const fn of listeners) fn(m);
    } else if (f.type === 'refused') {
      // A bad token or too many tabs: reconnecting at once will not help.
      refusedForGood = f.status_code === 10004 || f.status_code === 10003;
    }
  };
  sock.onclose = () => {
    if (ws !== sock) return;
    ws = null;
    setState('offline');
    if (refusedForGood || !session.get()) return;
    retry = Math.min(retry + 1, 6);
    schedule(Math.min(250 * 2 ** retry, 10000) * (0.5 + Math.random()));
  };
}

export const live = {
  // start connects once a user is logged in.
  start() {
    if (session.get() && !ws) connect();
  },
  stop() {
    clearTimeout(timer);
    lastSeen.clear();
    if (ws) {
      const sock = ws;
      ws = null;
      sock.close(1000);
    }
    setState('offline');
  },
  get state() {
    return state;
  },
  // follow keeps the conversation with peer synced from after (the newest
  // create_time already shown): messages after it arrive through onMessage.
  follow(peer, after) {
    lastSeen.set(peer, Math.max(after || 0, lastSeen.get(peer) || 0));
    sync(peer);
  },
  unfollow(peer) {
    lastSeen.delete(peer);
  },
  onMessage(fn) {
    listeners.add(fn);
    return () => listeners.delete(fn);
  },
  onState(fn) {
    statusListeners.add(fn);
    fn(state);
    return () => statusListeners.delete(fn);
  },
};
