/* Pillars' service worker: pages come from the network while there is one, and from the copies kept for offline
   (app.js keeps them) when there is not, else the Pillars offline page instead of the browser's. A form sent as the
   link drops (a lesson marked read, quiz answers) is kept in the outbox (store.js) and sent when the link is back. */
importScripts('/static/js/store.js');
'use strict';
var KEPT = 'pillars-kept';

self.addEventListener('install', function () { self.skipWaiting(); });
self.addEventListener('activate', function (e) { e.waitUntil(self.clients.claim()); });
self.addEventListener('sync', function (e) {
  if (e.tag === 'pillars-outbox') { e.waitUntil(PillarsStore.send()); }
});

/* A kept copy; pages match whatever their query (?marked=...), files only at their exact version (?v=...). */
function kept(request, exact) {
  return caches.open(KEPT).then(function (c) { return c.match(request, { ignoreSearch: !exact, ignoreVary: true }); });
}

function offline() {
  return kept('/offline').then(function (r) { return r || new Response('Offline', { status: 503, headers: { 'Content-Type': 'text/plain' } }); });
}

/* The answers or the read mark of a form that could not be sent, into the outbox; then on to a page kept offline. */
function keepForm(request, path) {
  return Promise.all([request.formData(), PillarsStore.get('me')]).then(function (got) {
    var form = got[0], me = got[1], parts = path.split('/'), body, next;
    if (!me) { return offline(); }
    if (parts[1] === 'attempts') {
      var answers = {};
      form.forEach(function (value, name) {
        if (name.indexOf('q.') === 0) { (answers[name.slice(2)] = answers[name.slice(2)] || []).push(+value); }
      });
      body = { kind: 'attempt', attempt: parts[2], answers: answers, answeredAt: new Date().toISOString() };
      next = '/offline?saved=1';
    } else {
      body = { kind: 'read', module: parts[2], lesson: parts[3] };
      next = '/modules/' + parts[2];
    }
    body.key = PillarsStore.newKey();
    return PillarsStore.queue({ key: body.key, account: me.account, title: '', body: body }).then(function () {
      return Response.redirect(next, 303);
    });
  });
}

self.addEventListener('fetch', function (e) {
  var request = e.request, url = new URL(request.url);
  if (url.origin !== location.origin) { return; }
  var path = url.pathname;
  if (request.method === 'POST' && request.mode === 'navigate'
      && (/^\/attempts\/[^/]+$/.test(path) || /^\/modules\/[^/]+\/[^/]+\/read$/.test(path))) {
    var copy = request.clone();
    e.respondWith(fetch(request).catch(function () { return keepForm(copy, path); }));
    return;
  }
  if (request.method !== 'GET') { return; }
  if (path.indexOf('/static/') === 0) {
    e.respondWith(kept(request, true).then(function (r) { return r || fetch(request); }));
  } else if (request.mode === 'navigate') {
    e.respondWith(fetch(request).catch(function () {
      // a certificate's check address: the kept check page reads the credential from the address itself (verify.js)
      return kept(/^\/verify\/[^/]+$/.test(path) ? '/verify' : path).then(function (r) { return r || offline(); });
    }));
  } else if (path.indexOf('/api/modules/') === 0) {
    e.respondWith(fetch(request).catch(function () {
      return kept(path).then(function (r) { return r || Response.error(); });
    }));
  }
});
