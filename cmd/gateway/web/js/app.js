// The web client: a hash router over the views. Routes:
//   #/                      feed
//   #/login, #/register     accounts
//   #/me                    your profile
//   #/user/:id[/liked]      a profile, its videos or liked videos
//   #/user/:id/:tab/:i      watch a profile's videos from the i-th
//   #/publish               upload a video
//   #/social/:kind          friends, following, followers
//   #/chat/:id              chat with a user

import { session } from './api.js';
import { live } from './live.js';
import { chatView } from './chat.js';
import { h, toast, errorText } from './ui.js';
import { feedView, authView, profileView, watchView, publishView, socialView } from './views.js';

const view = document.getElementById('view');
let leave = null;

const routes = [
  [/^#?\/?$/, 'feed', () => feedView()],
  [/^#\/login$/, 'login', () => authView('login')],
  [/^#\/register$/, 'login', () => authView('register')],
  [/^#\/me$/, 'me', () => profileView(session.get().user_id), true],
  [/^#\/user\/(\d+)$/, 'feed', (id) => profileView(Number(id)), true],
  [/^#\/user\/(\d+)\/liked$/, 'feed', (id) => profileView(Number(id), 'liked'), true],
  [/^#\/user\/(\d+)\/(videos|liked)\/(\d+)$/, 'feed', (id, tab, i) => watchView(Number(id), tab, i), true],
  [/^#\/publish$/, 'publish', () => publishView(), true],
  [/^#\/social\/(friend|follow|follower)$/, 'social', (kind) => socialView(kind), true],
  [/^#\/chat\/(\d+)$/, 'social', (id) => chatView(Number(id), (fn) => { leave = fn; }), true],
];

async function render() {
  if (leave) {
    leave();
    leave = null;
  }
  const hash = location.hash || '#/';
  const match = routes.map(([re, nav, fn, auth]) => ({ m: hash.match(re), nav, fn, auth })).find((r) => r.m);
  updateNav(match ? match.nav : '');
  if (!match) {
    show(h('section', { class: 'view center' }, h('div', { class: 'card' }, h('h1', {}, 'Not found'), h('p', {}, h('a', { href: '#/' }, 'Back to the feed')))));
    return;
  }
  // Only the feed and the account screens are open to anyone; the API
  // refuses the rest without a token.
  if (match.auth && !session.get()) {
    toast('Log in first.');
    location.hash = '#/login';
    return;
  }
  live.start(); // no-op while connected
  view.setAttribute('aria-busy', 'true');
  try {
    show(await match.fn(...match.m.slice(1)));
  } catch (err) {
    if (!session.get() && err.code === 10004) {
      toast('Your session has expired. Please log in again.', 'error');
      live.stop();
      location.hash = '#/login';
      return;
    }
    show(h('section', { class: 'view center' }, h('div', { class: 'card' }, h('h1', {}, 'Something went wrong'), h('p', { role: 'alert' }, errorText(err)),
      h('button', { class: 'primary', onclick: render }, 'Try again'))));
  } finally {
    view.removeAttribute('aria-busy');
  }
}

function show(el) {
  view.replaceChildren(el);
  // The player takes the arrow keys; elsewhere focus goes to the view.
  const target = el.querySelector('.player') || (el.querySelector('input') ? null : view);
  target?.focus({ preventScroll: true });
}

function updateNav(current) {
  const loggedIn = !!session.get();
  for (const a of document.querySelectorAll('.nav a[data-nav]')) {
    a.hidden = (a.hasAttribute('data-auth') && !loggedIn) || (a.hasAttribute('data-anon') && loggedIn);
    if (a.dataset.nav === current) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

// A message for a conversation that is not open shows a notice.
live.onMessage((m) => {
  const me = session.get();
  if (!me || m.from_user_id === me.user_id) return;
  if (location.hash === `#/chat/${m.from_user_id}`) return;
  toast(`New message: ${m.content.slice(0, 60)}`);
});

window.addEventListener('hashchange', render);
live.start();
render();
