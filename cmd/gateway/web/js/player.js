// The vertical, swipeable video player used by the feed and by a
// profile's video lists: one full-height slide per video, scroll-snapped;
// the slide in view plays muted and loops, the others pause.

import { api, session } from './api.js';
import { comments } from './comments.js';
import { h, toast, count, avatar, errorText, busy, icon } from './ui.js';

// player renders videos in a scroll-snapping column. more() (optional)
// returns older videos to append, or [] at the end.
export function player(videos, { more, start = 0, emptyText = 'No videos yet.' } = {}) {
  const column = h('div', { class: 'player', tabindex: '0', 'aria-label': 'Videos. Use the arrow keys to move between them.' });
  let loading = false;
  let done = !more;
  const end = h('div', { class: 'slide end' }, h('p', {}, 'Loading…'));

  const observer = new IntersectionObserver((entries) => {
    for (const e of entries) {
      if (e.target === end) {
        if (e.isIntersecting) loadMore();
        continue;
      }
      const video = e.target.querySelector('video');
      if (e.isIntersecting && e.intersectionRatio >= 0.6) {
        e.target.classList.add('current');
        video.play().catch(() => {});
        // Fetch older videos a little before they are needed.
        if (e.target.nextElementSibling === end || e.target.nextElementSibling?.nextElementSibling === end) loadMore();
      } else {
        e.target.classList.remove('current');
        video.pause();
      }
    }
  }, { root: column, threshold: [0, 0.6, 1] });

  function add(list) {
    for (const v of list) {
      const s = slide(v);
      column.insertBefore(s, end);
      observer.observe(s);
    }
  }

  async function loadMore() {
    if (loading || done) return;
    loading = true;
    try {
      const older = await more();
      if (older.length === 0) done = true;
      add(older);
    } catch (err) {
      toast(errorText(err), 'error');
    } finally {
      loading = false;
      end.replaceChildren(h('p', {}, done ? "You're all caught up." : 'Loading…'));
    }
  }

  column.append(end);
  add(videos);
  observer.observe(end);
  if (videos.length === 0) {
    end.replaceChildren(h('p', { class: 'empty' }, emptyText));
    if (more) loadMore();
  } else if (done) {
    end.replaceChildren(h('p', {}, "You're all caught up."));
  }

  // Arrow keys, j/k and Page keys move one video.
  column.addEventListener('keydown', (e) => {
    if (e.target.closest('input, textarea')) return;
    const step = { ArrowDown: 1, ArrowUp: -1, j: 1, k: -1, PageDown: 1, PageUp: -1 }[e.key];
    if (!step) return;
    e.preventDefault();
    const slides = [...column.querySelectorAll('.slide')];
    const current = column.querySelector('.slide.current') || slides[0];
    const next = slides[Math.max(0, Math.min(slides.length - 1, slides.indexOf(current) + step))];
    if (next) next.scrollIntoView({ behavior: 'smooth', block: 'start' });
  });

  if (start > 0) {
    requestAnimationFrame(() => {
      const target = column.querySelectorAll('.slide')[start];
      if (target) target.scrollIntoView({ block: 'start' });
    });
  }
  return column;
}

function slide(v) {
  const video = h('video', {
    src: v.play_url, poster: v.cover_url, muted: true, loop: true, playsInline: true,
    preload: 'metadata', 'aria-label': v.title,
  });
  video.muted = true; // the attribute alone does not mute in every browser
  video.addEventListener('click', () => (video.paused ? video.play() : video.pause()));
  const me = session.get();

  const likeCount = h('span', { class: 'n' }, count(v.favorite_count));
  const like = h('button', {
    class: 'act like', 'aria-pressed': String(v.is_favorite), 'aria-label': 'Like',
    onclick: () => {
      if (!me) return goLogin();
      busy(like, async () => {
        const on = like.getAttribute('aria-pressed') !== 'true';
        try {
          await api.favorite(v.id, on);
          v.is_favorite = on;
          v.favorite_count += on ? 1 : -1;
          like.setAttribute('aria-pressed', String(on));
          likeCount.textContent = count(v.favorite_count);
        } catch (err) {
          toast(errorText(err), 'error');
        }
      });
    },
  }, icon('heart'), likeCount);

  const commentCount = h('span', { class: 'n' }, count(v.comment_count));
  const comment = h('button', {
    class: 'act comment', 'aria-label': 'Comments', 'aria-haspopup': 'dialog',
    onclick: () => {
      if (!me) return goLogin();
      comments(v, comment, (delta) => {
        v.comment_count += delta;
        commentCount.textContent = count(v.comment_count);
      });
    },
  }, icon('comment'), commentCount);

  const sound = h('button', {
    class: 'act sound', 'aria-label': 'Sound', 'aria-pressed': 'false',
    onclick: () => {
      video.muted = !video.muted;
      sound.setAttribute('aria-pressed', String(!video.muted));
      sound.replaceChildren(icon(video.muted ? 'muted' : 'sound'));
    },
  }, icon('muted'));

  const author = v.author || {};
  return h('article', { class: 'slide', 'data-video-id': v.id },
    video,
    h('div', { class: 'meta' },
      h('a', { class: 'author', href: `#/user/${author.id}` }, avatar(author, 'sm'), h('span', {}, `@${author.name}`)),
      h('p', { class: 'title' }, v.title)),
    h('div', { class: 'actions' }, like, comment, sound));
}

function goLogin() {
  toast('Log in to like and comment.');
  location.hash = '#/login';
}
