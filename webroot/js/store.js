/* Pillars: what a device keeps for the learner, shared by the pages (app.js) and the service worker (sw.js).
   IndexedDB, because a service worker has no localStorage: 'outbox' holds what waits to be sent (lessons read,
   answers), each with a key made here and sent unchanged on every retry, so the server stores it once; 'kv' holds
   small facts (who is signed in, their CSRF token, modules kept, results that came back). Nothing here is secret:
   answer keys never reach the device. */
var PillarsStore = (function () {
  'use strict';
  var db;
  function open() {
    if (!db) {
      db = new Promise(function (resolve, reject) {
        var r = indexedDB.open('pillars', 1);
        r.onupgradeneeded = function () {
          r.result.createObjectStore('outbox', { keyPath: 'key' });
          r.result.createObjectStore('kv');
        };
        r.onsuccess = function () { resolve(r.result); };
        r.onerror = function () { reject(r.error); };
      });
    }
    return db;
  }
  function tx(store, mode, work) {
    return open().then(function (d) {
      return new Promise(function (resolve, reject) {
        var t = d.transaction(store, mode), out;
        var req = work(t.objectStore(store));
        if (req) { req.onsuccess = function () { out = req.result; }; }
        t.oncomplete = function () { resolve(out); };
        t.onerror = t.onabort = function () { reject(t.error); };
      });
    });
  }
  function key() {
    if (self.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = crypto.getRandomValues(new Uint8Array(16)), h = [];
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    for (var i = 0; i < 16; i++) { h.push((b[i] + 256).toString(16).slice(1)); }
    h = h.join('');
    return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
  }
  var api = {
    get: function (k) { return tx('kv', 'readonly', function (s) { return s.get(k); }); },
    set: function (k, v) { return tx('kv', 'readwrite', function (s) { s.put(v, k); }); },
    del: function (k) { return tx('kv', 'readwrite', function (s) { s.delete(k); }); },
    items: function () { return tx('outbox', 'readonly', function (s) { return s.getAll(); }); },
    newKey: key,
    /** Queues an item for the signed-in account; fails (storage full) before anything is lost on the page. */
    queue: function (item) {
      item.key = item.key || key();
      item.queuedAt = item.queuedAt || new Date().toISOString();
      return tx('outbox', 'readwrite', function (s) { s.put(item); }).then(function () { return item; });
    },
    remove: function (k) { return tx('outbox', 'readwrite', function (s) { s.delete(k); }); },
    /** Sends the outbox of the signed-in account; resolves to {sent, refused, login}. Safe to run at any time. */
    send: function () {
      return Promise.all([api.get('me'), api.items()]).then(function (got) {
        var me = got[0], mine = got[1].filter(function (i) { return me && i.account === me.account && !i.refused; });
        if (!mine.length) { return { sent: 0 }; }
        var batch = mine.slice(0, 100);
        return fetch('/api/sync', {
          method: 'POST', credentials: 'same-origin',
          headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf },
          body: JSON.stringify({ items: batch.map(function (i) { return i.body; }) })
        }).then(function (r) {
          if (r.status === 401 || r.status === 403) { return api.set('login', true).then(function () { return { login: true }; }); }
          if (!r.ok) { throw new Error('sync ' + r.status); }
          return r.json().then(function (answer) {
            var done = [], results = [];
            answer.items.forEach(function (o, n) {
              var item = batch[n];
              if (o.status === 'refused') {
                item.refused = o.message;
                done.push(tx('outbox', 'readwrite', function (s) { s.put(item); }));
              } else {
                if (item.body.kind === 'attempt') {
                  results.push({ account: me.account, module: item.title, attempt: o.attempt, score: o.result.score,
                    passed: o.result.passed, held: o.held, at: new Date().toISOString() });
                }
                done.push(api.remove(item.key));
              }
            });
            return Promise.all(done).then(function () { return results.length && api.get('results'); })
              .then(function (old) {
                // the page and the worker may both have sent it: one line per attempt
                var all = results.concat(old || []).filter(function (r, n, a) {
                  return a.findIndex(function (x) { return x.attempt === r.attempt; }) === n;
                });
                return results.length && api.set('results', all.slice(0, 5));
              })
              .then(function () { return api.del('login'); })
              .then(function () { return mine.length > 100 ? api.send() : { sent: batch.length }; });
          });
        });
      });
    }
  };
  return api;
}());
