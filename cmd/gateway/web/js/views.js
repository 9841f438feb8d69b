// The screens: feed, accounts, profiles, publishing and social lists. Chat
// is in chat.js. Each view returns the element to show.

import { api, session, publish, ApiError } from './api.js';
import { live } from './live.js';
import { player } from './player.js';
import { h, toast, count, avatar, errorText, busy, empty, icon } from './ui.js';

// feed is the home screen: newest videos first, older ones as you scroll.
export async function feedView() {
  const first = await api.feed();
  let next = first.next_time;
  const more = async () => {
    if (!next) return [];
    const body = await api.feed(next);
    // The end of the feed: the next page starts where this one did.
    if (!body.video_list.length || body.next_time >= next) {
      next = 0;
      return body.video_list;
    }
    next = body.next_time;
    return body.video_list;
  };
  return h('section', { class: 'view feed', 'aria-label': 'Feed' },
    h('h1', { class: 'sr-only' }, 'Feed'),
    player(first.video_list, { more: first.video_list.length ? more : undefined, emptyText: 'No videos yet. Publish the first one!' }));
}

// authView is the log-in and sign-up screen.
export function authView(mode) {
  const signup = mode === 'register';
  const name = h('input', { id: 'auth-username', name: 'username', autocomplete: 'username', required: true, maxlength: '32' });
  const pass = h('input', { id: 'auth-password', name: 'password', type: 'password', autocomplete: signup ? 'new-password' : 'current-password', required: true, maxlength: '32' });
  const error = h('p', { class: 'form-error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'primary wide' }, signup ? 'Sign up' : 'Log in');
  const form = h('form', {
    class: 'card auth',
    onsubmit: (e) => {
      e.preventDefault();
      error.textContent = '';
      busy(submit, async () => {
        try {
          const body = await (signup ? api.register : api.login)(name.value.trim(), pass.value);
          session.set(body.user_id, body.token, name.value.trim());
          live.start();
          toast(signup ? `Welcome, ${name.value.trim()}!` : 'Logged in.');
          location.hash = '#/';
        } catch (err) {
          error.textContent = errorText(err);
          (err.code === 11003 ? pass : name).focus();
        }
      });
    },
  },
  h('h1', {}, signup ? 'Create your account' : 'Log in'),
  h('label', { for: 'auth-username' }, 'Username'), name,
  h('label', { for: 'auth-password' }, 'Password'), pass,
  error, submit,
  h('p', { class: 'switch' }, signup ? 'Already have an account? ' : 'New here? ',
    h('a', { href: signup ? '#/login' : '#/register' }, signup ? 'Log in' : 'Sign up')));
  setTimeout(() => name.focus());
  return h('section', { class: 'view center' }, form);
}

// profileView shows a user, their counts, follow button and videos.
export async function profileView(userId, tab = 'videos') {
  const me = session.get();
  const [{ user }, list] = await Promise.all([
    api.user(userId),
    tab === 'liked' ? api.favoriteList(userId) : api.publishList(userId),
  ]);
  const self = me && me.user_id === user.id;
  const followers = h('strong', { 'data-count': 'follower_count' }, count(user.follower_count));
  let following = user.is_follow;
  const follow = self ? null : h('button', {
    class: following ? 'secondary' : 'primary', 'aria-pressed': String(following),
    onclick: () => busy(follow, async () => {
      try {
        await api.follow(user.id, !following);
        following = !following;
        user.follower_count += following ? 1 : -1;
        followers.textContent = count(user.follower_count);
        follow.textContent = following ? 'Following' : 'Follow';
        follow.className = following ? 'secondary' : 'primary';
        follow.setAttribute('aria-pressed', String(following));
      } catch (err) {
        toast(errorText(err), 'error');
      }
    }),
  }, following ? 'Following' : 'Follow');
  const stat = (label, value, href, key) => h(href ? 'a' : 'div', { class: 'stat', href },
    key === 'follower_count' ? followers : h('strong', { 'data-count': key }, count(value)), h('span', {}, label));
  const base = `#/user/${user.id}`;
  const videos = list.video_list;
  return h('section', { class: 'view profile', 'aria-labelledby': 'profile-name' },
    h('div', { class: 'banner', style: `background-image:url("${user.background_image || '/static/background.png'}")` }),
    h('header', { class: 'profile-head' },
      avatar(user, 'lg'),
      h('div', { class: 'who' },
        h('h1', { id: 'profile-name' }, user.name),
        h('p', { class: 'signature' }, user.signature || '')),
      h('div', { class: 'buttons' },
        follow,
        self ? null : h('a', { class: 'button secondary', href: `#/chat/${user.id}` }, 'Message'),
        self ? h('button', { class: 'secondary', onclick: logout }, 'Log out') : null)),
    h('div', { class: 'stats' },
      stat('Following', user.follow_count, self ? '#/social/follow' : null, 'follow_count'),
      stat('Followers', user.follower_count, self ? '#/social/follower' : null, 'follower_count'),
      stat('Likes received', user.total_favorited, null, 'total_favorited'),
      stat('Videos', user.work_count, null, 'work_count'),
      stat('Liked', user.favorite_count, null, 'favorite_count')),
    h('nav', { class: 'tabs', 'aria-label': 'Videos' },
      h('a', { href: base, 'aria-current': tab === 'videos' ? 'page' : null }, 'Videos'),
      h('a', { href: `${base}/liked`, 'aria-current': tab === 'liked' ? 'page' : null }, 'Liked')),
    videos.length ? h('ul', { class: 'grid' }, videos.map((v, i) => h('li', {},
      h('a', { href: `${base}/${tab}/${i}`, 'aria-label': `${v.title}, ${v.favorite_count} likes` },
        h('img', { src: v.cover_url, alt: '', loading: 'lazy' }),
        h('span', { class: 'likes' }, icon('heart'), count(v.favorite_count)))))) : empty(tab === 'liked' ? 'No liked videos yet.' : 'No videos yet.'));
}

// watchView plays a profile's videos from the one chosen.
export async function watchView(userId, tab, index) {
  const body = tab === 'liked' ? await api.favoriteList(userId) : await api.publishList(userId);
  return h('section', { class: 'view feed', 'aria-label': 'Videos' },
    h('a', { class: 'back', href: `#/user/${userId}${tab === 'liked' ? '/liked' : ''}` }, '← Back'),
    player(body.video_list, { start: Number(index) || 0 }));
}

function logout() {
  session.clear();
  live.stop();
  toast('Logged out.');
  location.hash = '#/';
}

// publishView uploads a video with a progress bar.
export function publishView() {
  const file = h('input', { id: 'pub-file', type: 'file', name: 'data', accept: 'video/*', required: true });
  const title = h('input', { id: 'pub-title', name: 'title', maxlength: '100', required: true, autocomplete: 'off' });
  const bar = h('progress', { max: '100', value: '0', 'aria-label': 'Upload progress' });
  const pct = h('span', { class: 'pct' }, '');
  const status = h('p', { class: 'form-error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'primary wide' }, 'Publish');
  const progress = h('div', { class: 'progress', hidden: true }, bar, pct);
  const form = h('form', {
    class: 'card',
    onsubmit: (e) => {
      e.preventDefault();
      status.textContent = '';
      const f = file.files[0];
      const t = title.value.trim();
      if (!f) return fail('Choose a video file.', file);
      if (f.type && !f.type.startsWith('video/')) return fail(`“${f.name}” is not a video (${f.type}). Choose an MP4 or another video file.`, file);
      if (!t) return fail('Give your video a title.', title);
      progress.hidden = false;
      busy(submit, async () => {
        try {
          await publish(f, t, (p) => {
            bar.value = Math.round(p * 100);
            pct.textContent = p < 1 ? `${Math.round(p * 100)}%` : 'Processing…';
          });
          toast('Published!');
          location.hash = `#/user/${session.get().user_id}`;
        } catch (err) {
          progress.hidden = true;
          fail(publishError(err), file);
        }
      });
    },
  },
  h('h1', {}, 'Publish a video'),
  h('label', { for: 'pub-file' }, 'Video file'), file,
  h('label', { for: 'pub-title' }, 'Title'), title,
  progress, status, submit);
  function fail(text, focus) {
    status.textContent = text;
    focus?.focus();
  }
  return h('section', { class: 'view center' }, form);
}

function publishError(err) {
  if (!(err instanceof ApiError)) return errorText(err);
  switch (err.code) {
    case 12003: return `The file is too large: ${err.message}.`;
    case 12002: return `That file is not a playable video: ${err.message}.`;
    case -1: return 'The upload was cut off. The file may be larger than this server accepts, or the connection dropped.';
    default: return err.message;
  }
}

// socialView lists who you follow, your followers or your friends.
export async function socialView(kind) {
  const me = session.get();
  const load = { follow: api.followList, follower: api.followerList, friend: api.friendList }[kind];
  const body = await load(me.user_id);
  const users = body.user_list;
  const rows = users.map((u) => {
    let following = kind === 'follow' || u.is_follow;
    const follow = h('button', {
      class: following ? 'secondary small' : 'primary small',
      'aria-label': `${following ? 'Unfollow' : 'Follow'} ${u.name}`,
      onclick: () => busy(follow, async () => {
        try {
          await api.follow(u.id, !following);
          following = !following;
          follow.textContent = following ? 'Following' : 'Follow';
          follow.className = following ? 'secondary small' : 'primary small';
          follow.setAttribute('aria-label', `${following ? 'Unfollow' : 'Follow'} ${u.name}`);
        } catch (err) {
          toast(errorText(err), 'error');
        }
      }),
    }, following ? 'Following' : 'Follow');
    const last = kind === 'friend' && u.message ? h('p', { class: 'last' }, u.msgType === 1 ? 'You: ' : '', u.message) : null;
    return h('li', { class: 'person' },
      h('a', { href: `#/user/${u.id}`, class: 'person-link' }, avatar(u, 'md'),
        h('span', {}, h('strong', {}, u.name), h('small', {}, `${count(u.follower_count)} followers`), last)),
      kind === 'friend' ? h('a', { class: 'button primary small', href: `#/chat/${u.id}`, 'aria-label': `Chat with ${u.name}` }, 'Chat') : follow);
  });
  const tab = (k, label) => h('a', { href: `#/social/${k}`, 'aria-current': k === kind ? 'page' : null }, label);
  return h('section', { class: 'view list' },
    h('h1', {}, 'Friends'),
    h('nav', { class: 'tabs', 'aria-label': 'Lists' }, tab('friend', 'Friends'), tab('follow', 'Following'), tab('follower', 'Followers')),
    rows.length ? h('ul', { class: 'people' }, rows) : empty({
      friend: 'No friends yet: friends are people you follow who follow you back.',
      follow: 'You follow nobody yet.',
      follower: 'Nobody follows you yet.',
    }[kind]));
}
