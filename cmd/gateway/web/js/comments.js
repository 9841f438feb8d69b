// The comments drawer of one video: list, post, delete your own. It is a
// modal dialog: focus moves into it, Tab stays inside, Escape closes it and
// focus returns to the button that opened it.

import { api, session } from './api.js';
import { h, toast, avatar, errorText, busy, empty } from './ui.js';

export function comments(video, opener, onCount) {
  const root = document.getElementById('drawer-root');
  root.replaceChildren();
  const me = session.get();
  const list = h('ul', { class: 'comments', 'aria-live': 'polite', 'aria-busy': 'true' }, h('li', { class: 'loading' }, 'Loading…'));
  const input = h('input', { type: 'text', name: 'comment', maxlength: '500', placeholder: 'Add a comment…', 'aria-label': 'Comment', autocomplete: 'off', required: true });
  const post = h('button', { type: 'submit', class: 'primary' }, 'Post');
  const title = h('h2', { id: 'drawer-title' }, 'Comments');
  const close = h('button', { type: 'button', class: 'icon-btn', 'aria-label': 'Close comments', onclick: () => dismiss() }, '✕');

  function row(c) {
    const mine = me && c.user && c.user.id === me.user_id;
    const del = mine ? h('button', {
      class: 'link danger', 'aria-label': `Delete your comment “${c.content}”`,
      onclick: () => busy(del, async () => {
        try {
          await api.deleteComment(video.id, c.id);
          li.remove();
          onCount(-1);
          if (!list.children.length) list.append(empty('No comments yet. Be the first.'));
          input.focus();
        } catch (err) {
          toast(errorText(err), 'error');
        }
      }),
    }, 'Delete') : null;
    const li = h('li', { class: 'comment', 'data-comment-id': c.id },
      avatar(c.user || {}, 'sm'),
      h('div', {},
        h('p', { class: 'who' }, h('a', { href: `#/user/${c.user?.id}` }, c.user?.name || 'someone'), h('span', { class: 'date' }, c.create_date)),
        h('p', { class: 'text' }, c.content)),
      del);
    return li;
  }

  // The composer waits for the list, so a late answer never overwrites a
  // comment just posted or deleted.
  async function load() {
    try {
      const body = await api.comments(video.id);
      list.replaceChildren(...(body.comment_list.length ? body.comment_list.map(row) : [empty('No comments yet. Be the first.')]));
    } catch (err) {
      list.replaceChildren(empty(errorText(err)));
    }
    list.removeAttribute('aria-busy');
    input.disabled = false;
    post.disabled = false;
    if (document.activeElement === document.body || panel.contains(document.activeElement)) input.focus();
  }

  const form = h('form', {
    class: 'composer',
    onsubmit: (e) => {
      e.preventDefault();
      const text = input.value.trim();
      if (!text) {
        toast('Write something first.', 'error');
        return;
      }
      busy(post, async () => {
        try {
          const body = await api.comment(video.id, text);
          list.querySelector('.empty')?.remove();
          list.prepend(row(body.comment));
          onCount(1);
          input.value = '';
        } catch (err) {
          toast(errorText(err), 'error');
        }
        input.focus();
      });
    },
  }, input, post);

  const panel = h('section', { class: 'drawer', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'drawer-title' },
    h('header', {}, title, close), list, form);
  const backdrop = h('div', { class: 'backdrop', onclick: () => dismiss() });

  function dismiss() {
    document.removeEventListener('keydown', onKey, true);
    root.replaceChildren();
    opener?.focus();
  }
  function onKey(e) {
    if (e.key === 'Escape') {
      e.preventDefault();
      dismiss();
    } else if (e.key === 'Tab') {
      const focusable = [...panel.querySelectorAll('button, input, a[href]')].filter((el) => !el.disabled);
      const first = focusable[0];
      const last = focusable[focusable.length - 1];
      if (e.shiftKey && document.activeElement === first) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && document.activeElement === last) {
        e.preventDefault();
        first.focus();
      }
    }
  }
  document.addEventListener('keydown', onKey, true);
  window.addEventListener('hashchange', dismiss, { once: true });
  input.disabled = true;
  post.disabled = true;
  root.append(backdrop, panel);
  close.focus();
  load();
}
