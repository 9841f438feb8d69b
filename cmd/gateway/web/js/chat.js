// Chat with one user: the history, then new messages as they arrive over
// the live socket (polling /douyin/message/chat/ while it is down).

import { api, session } from './api.js';
import { live } from './live.js';
import { h, toast, avatar, errorText, busy, clock } from './ui.js';

export async function chatView(peerId, onLeave) {
  const me = session.get();
  const [{ user: peer }, history] = await Promise.all([api.user(peerId), api.chat(peerId, 0)]);
  const seen = new Set();
  let last = 0;
  const list = h('ol', { class: 'messages', 'aria-live': 'polite', 'aria-label': `Messages with ${peer.name}` });
  const state = h('span', { class: 'live-state' });

  function add(m) {
    if (seen.has(m.id)) return;
    seen.add(m.id);
    last = Math.max(last, m.create_time);
    const mine = m.from_user_id === me.user_id;
    const li = h('li', { class: mine ? 'mine' : 'theirs', 'data-message-id': m.id, 'data-create-time': m.create_time },
      h('p', {}, m.content), h('time', { datetime: new Date(m.create_time).toISOString() }, clock(m.create_time)));
    // Keep create_time order even if an older message arrives late.
    const after = [...list.children].find((el) => Number(el.dataset.createTime) > m.create_time);
    list.insertBefore(li, after || null);
    list.scrollTop = list.scrollHeight;
  }
  history.message_list.forEach(add);
  if (!history.message_list.length) list.append(h('li', { class: 'empty' }, `Say hello to ${peer.name}.`));

  const input = h('input', { type: 'text', name: 'content', maxlength: '1000', placeholder: `Message ${peer.name}…`, 'aria-label': 'Message', autocomplete: 'off' });
  const send = h('button', { type: 'submit', class: 'primary' }, 'Send');
  const form = h('form', {
    class: 'composer',
    onsubmit: (e) => {
      e.preventDefault();
      const text = input.value.trim();
      if (!text) return;
      busy(send, async () => {
        try {
          await api.send(peer.id, text);
          input.value = '';
          list.querySelector('.empty')?.remove();
          if (live.state !== 'live') await poll();
        } catch (err) {
          toast(errorText(err), 'error');
        }
        input.focus();
      });
    },
  }, input, send);

  // Live while the socket is up; otherwise poll as the official client does.
  let pollTimer = null;
  async function poll() {
    try {
      const body = await api.chat(peer.id, last);
      body.message_list.forEach(add);
    } catch {
      /* the next poll tries again */
    }
  }
  const stopMessages = live.onMessage((m) => {
    if (m.from_user_id === peer.id || m.to_user_id === peer.id) {
      list.querySelector('.empty')?.remove();
      add(m);
    }
  });
  const stopState = live.onState((s) => {
    state.textContent = { live: '● live', connecting: 'connecting…', offline: 'offline, polling' }[s];
    state.dataset.state = s;
    clearInterval(pollTimer);
    if (s !== 'live') pollTimer = setInterval(poll, 2000);
  });
  live.follow(peer.id, last);
  onLeave(() => {
    stopMessages();
    stopState();
    clearInterval(pollTimer);
    live.unfollow(peer.id);
  });
  setTimeout(() => input.focus());

  return h('section', { class: 'view chat', 'aria-labelledby': 'chat-title' },
    h('header', { class: 'chat-head' },
      h('a', { class: 'back', href: '#/social/friend', 'aria-label': 'Back to friends' }, '←'),
      h('a', { href: `#/user/${peer.id}`, class: 'person-link' }, avatar(peer, 'sm'), h('h1', { id: 'chat-title' }, peer.name)),
      state),
    list, form);
}
