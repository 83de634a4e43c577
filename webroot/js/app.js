/* Pillars on a broken link: progressive enhancement, every page works without it. Keeps modules for offline
   reading, queues lessons read and quiz answers while offline (store.js) and sends them when the link is back. */
(function () {
  'use strict';
  if (!('indexedDB' in window) || !('caches' in window) || !('serviceWorker' in navigator)) { return; }
  var S = PillarsStore, doc = document, lang = doc.documentElement.lang || 'en';
  var T = JSON.parse((doc.getElementById('pillars-text') || { textContent: '{}' }).textContent);
  var meta = function (n) { var m = doc.querySelector('meta[name="pillars-' + n + '"]'); return m && m.content; };
  var path = location.pathname, parts = path.split('/');
  var main = doc.getElementById('main');
  function t(k, n) { return (T[k] || k).replace('{0}', n); }
  function el(tag, cls, text) { var e = doc.createElement(tag); if (cls) { e.className = cls; } if (text) { e.textContent = text; } return e; }
  function day(iso) { return new Date(iso).toLocaleDateString(lang); }

  navigator.serviceWorker.register(meta('sw'), { scope: '/' });

  /* At logout, what only the one signed in may read goes: the copies of a module for one organisation, and every
     kept quiz (a quiz set is drawn for whoever kept it). The next learner on this phone keeps them again. */
  function forgetPrivateCopies() {
    if (!window.caches) { return Promise.resolve(); }
    return caches.open('pillars-kept').then(function (c) {
      return c.keys().then(function (requests) {
        return Promise.all(requests.map(function (r) {
          return /^\/api\/modules\/[^/]+\/quiz$/.test(new URL(r.url).pathname) ? c.delete(r) : null;
        }));
      }).then(function () { return S.get('private-kept'); }).then(function (list) {
        return Promise.all((list || []).map(function (k) {
          return Promise.all(k.urls.map(function (u) { return c.delete(u, { ignoreSearch: true }); })).then(function () { return S.del('kept:' + k.id); });
        }));
      }).then(function () { return S.del('private-kept'); });
    });
  }

  /* "Show the password as I type": offered only with a script to do it. */
  doc.querySelectorAll('input[data-reveal]').forEach(function (box) {
    var field = doc.getElementById(box.getAttribute('data-reveal'));
    if (!field) { return; }
    box.closest('label').hidden = false;
    box.addEventListener('change', function () { field.type = box.checked ? 'text' : 'password'; });
  });

  /* Who is signed in: kept so that the outbox is sent only for them, and cleared at logout. */
  var account = meta('account');
  var me = account ? S.set('me', { account: account, csrf: meta('csrf') }).then(function () { return S.get('me'); }) : S.get('me');
  doc.querySelectorAll('form[action="/logout"]').forEach(function (f) {
    f.addEventListener('submit', function (ev) {
      if (f.dataset.cleared) { return; }
      ev.preventDefault();  // the copies go first: a page being left may stop its work half-way
      var go = function () { if (!f.dataset.cleared) { f.dataset.cleared = '1'; f.submit(); } };
      Promise.all([S.del('me'), forgetPrivateCopies()]).then(go, go);
      setTimeout(go, 3000);
    });
  });

  /* The status line: what waits on this phone, what came back, what was refused. */
  var bar = el('div', 'outbox');
  bar.setAttribute('role', 'status');
  main.insertBefore(bar, main.firstChild);
  function show() {
    return Promise.all([me, S.items(), S.get('login')]).then(function (got) {
      var who = got[0], items = got[1].filter(function (i) { return who && i.account === who.account; });
      bar.textContent = '';
      var waiting = items.filter(function (i) { return !i.refused; });
      if (waiting.length) {
        var p = el('p', 'notice', t('js.waiting', waiting.length) + ' ');
        var oldest = waiting.map(function (i) { return i.queuedAt; }).sort()[0];
        if (Date.now() - new Date(oldest).getTime() > 3 * 864e5) { p.appendChild(el('strong', '', t('js.old', day(oldest)) + ' ')); }
        if (got[2]) {
          var a = el('a', '', t('js.login')); a.href = '/login?next=' + encodeURIComponent(path); p.appendChild(a);
        } else {
          var b = el('button', 'link', t('js.sendNow')); b.type = 'button'; b.onclick = send; p.appendChild(b);
        }
        bar.appendChild(p);
      }
      items.filter(function (i) { return i.refused; }).forEach(function (i) {
        var p = el('p', 'notice', t('js.refused') + ' ' + (i.title || '') + ': ' + i.refused + ' ');
        var x = el('button', 'link', t('js.dismiss')); x.type = 'button';
        x.onclick = function () { S.remove(i.key).then(show); };
        p.appendChild(x); bar.appendChild(p);
      });
      return S.get('results').then(function (results) {
        (results || []).filter(function (r) {
          return who && r.account === who.account && Date.now() - new Date(r.at).getTime() < 864e5;
        }).forEach(function (r) {
          var p = el('p', r.passed && !r.held ? 'done' : 'notice', t('js.sent', r.module) + ' ' + r.score + ' %. ' + (r.held ? t('js.held') : ''));
          var a = el('a', '', t('js.result')); a.href = '/attempts/' + r.attempt; p.appendChild(a);
          bar.appendChild(p);
        });
      });
    });
  }
  function send() {
    if (!navigator.onLine) { return show(); }
    return S.send().catch(function () { }).then(show);
  }
  window.addEventListener('online', send);
  send();

  /* Queues an item; if the phone cannot store it, says so before anything is lost (the form keeps its answers). */
  function queue(title, body) {
    return me.then(function (who) {
      if (!who) { throw new Error('signed out'); }
      body.key = S.newKey();
      return S.queue({ key: body.key, account: who.account, title: title, body: body });
    }).then(function () {
      navigator.serviceWorker.ready.then(function (r) { return r.sync && r.sync.register('pillars-outbox'); }).catch(function () { });
      return show();
    }, function (e) {
      alert(t(e && e.name === 'QuotaExceededError' ? 'js.full' : 'js.notSaved'));
      throw e;
    });
  }

  /* Keeping a module: its pages and quiz as an anonymous reader gets them (nothing personal is kept), in this language. */
  function keep(id) {
    return fetch('/api/modules/' + id, { headers: { 'Accept-Language': lang } }).then(function (r) { return r.json(); }).then(function (m) {
      var urls = ['/modules/' + id, '/offline', '/api/modules/' + id].concat(m.lessons.map(function (l) { return '/modules/' + id + '/' + l.id; }));
      if (m.quiz) { urls.push('/modules/' + id + '/quiz', '/api/modules/' + id + '/quiz'); }
      doc.querySelectorAll('link[rel=stylesheet], link[rel=icon], script[src]').forEach(function (l) { urls.push(l.getAttribute('href') || l.getAttribute('src')); });
      return caches.open('pillars-kept').then(function (c) {
        return Promise.all(urls.map(function (u) {
          // every copy is kept as anyone sees it (no name, no progress); a module for one organisation is fetched
          // signed in all the same, and the quiz always (a quiz set is drawn for this learner)
          var quizUrl = u === '/api/modules/' + id + '/quiz';
          var ours = u.indexOf('/modules/' + id) === 0 || u.indexOf('/api/modules/' + id) === 0;
          var signedIn = quizUrl || (!m.everyone && ours);
          return fetch(u, { credentials: signedIn ? 'same-origin' : 'omit',
                            headers: { 'Accept-Language': lang, 'X-Pillars-Copy': 'kept' } }).then(function (r) {
            if (!r.ok) { throw new Error(u + ' ' + r.status); }
            return c.put(u, r);
          });
        }));
      }).then(function () {
        return S.set('kept:' + id, { version: m.version, at: new Date().toISOString(), title: m.title }).then(function () {
          if (m.everyone) { return null; }
          return S.get('private-kept').then(function (list) {
            list = (list || []).filter(function (k) { return k.id !== id; });
            list.push({ id: id, urls: urls.filter(function (u) { return u.indexOf('/modules/' + id) === 0 || u.indexOf('/api/modules/' + id) === 0; }) });
            return S.set('private-kept', list);
          });
        });
      });
    });
  }
  var keepBox = doc.getElementById('keep');
  if (keepBox) {
    var id = keepBox.getAttribute('data-module'), version = +keepBox.getAttribute('data-version');
    var mark = el('p', 'meta'), button = el('button', 'button', t('js.keep'));
    button.type = 'button';
    var showKept = function (k) { mark.textContent = k ? t('js.kept', day(k.at)) : ''; button.textContent = t(k ? 'js.update' : 'js.keep'); };
    button.onclick = function () {
      button.disabled = true;
      if (navigator.storage && navigator.storage.persist) { navigator.storage.persist(); }
      keep(id).then(function () { return S.get('kept:' + id); }).then(showKept, function () { mark.textContent = t('js.keepFailed'); })
        .then(function () { button.disabled = false; });
    };
    keepBox.appendChild(button); keepBox.appendChild(mark); keepBox.hidden = false;
    S.get('kept:' + id).then(function (k) {
      showKept(k);
      if (k && k.version !== version && navigator.onLine) { button.onclick(); }  // the module changed: keep the new version
    });
  }
  /* Assigned modules are kept on their own while the phone has room (50 MB spare). */
  doc.querySelectorAll('[data-assigned]').forEach(function (card) {
    var id = card.getAttribute('data-assigned').split('/')[2];
    S.get('kept:' + id).then(function (k) {
      if (k || !navigator.onLine) { return null; }
      return (navigator.storage && navigator.storage.estimate ? navigator.storage.estimate() : Promise.resolve({ quota: 1e9, usage: 0 }))
        .then(function (e) { return e.quota - e.usage > 5e7 ? keep(id) : null; });
    }).catch(function () { });
  });

  /* A lesson: "mark as read" offline goes to the outbox, then on to the next page. */
  function readOffline(ev) {
    if (ev) { ev.preventDefault(); }
    var next = doc.querySelector('.pager a[rel=next]') || doc.querySelector('.pager a:last-child');
    queue(doc.querySelector('h1').textContent, { kind: 'read', module: parts[2], lesson: parts[3] })
      .then(function () { if (next) { location.href = next.getAttribute('href'); } });
  }
  var readForm = doc.querySelector('form.read');
  if (readForm) {
    readForm.addEventListener('submit', function (ev) { if (!navigator.onLine) { readOffline(ev); } });
  }
  me.then(function (who) {
    if (!who || account) { return; }
    /* an offline copy (kept anonymously) for a learner signed in on this phone */
    if (parts[1] === 'modules' && parts.length === 4 && parts[3] !== 'quiz' && doc.querySelector('article')) {
      var b = el('button', 'button', t('js.markRead')); b.type = 'button'; b.onclick = readOffline;
      var f = el('p', 'read'); f.appendChild(b); doc.querySelector('article').after(f);
    }
    if (parts[3] === 'quiz' && parts.length === 4) { offerOfflineQuiz(parts[2]); }
  });

  /* Answers: autosaved on the phone as they are given, restored where the page has none. */
  function answersOf(form) {
    var answers = {};
    form.querySelectorAll('input[name^="q."]').forEach(function (i) {
      var q = i.name.slice(2);
      answers[q] = answers[q] || [];
      if (i.checked) { answers[q].push(+i.value); }
    });
    return answers;
  }
  function blanks(form) {
    var n = [];
    form.querySelectorAll('fieldset.question').forEach(function (f, i) { if (!f.querySelector('input:checked')) { n.push(i + 1); } });
    return n;
  }
  function autosave(form, draftKey) {
    S.get(draftKey).then(function (draft) {
      Object.keys(draft || {}).forEach(function (q) {
        var boxes = form.querySelectorAll('input[name="q.' + q + '"]');
        if (![].some.call(boxes, function (b) { return b.checked; })) {
          boxes.forEach(function (b) { b.checked = draft[q].indexOf(+b.value) >= 0; });
        }
      });
    });
    form.addEventListener('change', function () {
      S.set(draftKey, answersOf(form)).catch(function () { alert(t('js.full')); });
    });
  }
  function submitOffline(form, title, body, draftKey) {
    var blank = blanks(form);
    if (blank.length && !confirm(t('js.blank', blank.join(', ')))) { return; }
    body.answers = answersOf(form);
    body.answeredAt = new Date().toISOString();
    queue(title, body).then(function () {
      S.del(draftKey);
      form.replaceWith(el('p', 'done', t('js.saved')));
      scrollTo(0, 0);
    });
  }
  var quizForm = doc.querySelector('form.quiz');
  if (quizForm && parts[1] === 'attempts') {
    var attempt = parts[2], draft = 'draft:attempt:' + attempt;
    autosave(quizForm, draft);
    quizForm.addEventListener('submit', function (ev) {
      if (navigator.onLine) { return; }
      ev.preventDefault();
      submitOffline(quizForm, doc.querySelector('.crumbs a[href^="/modules/"]').textContent, { kind: 'attempt', attempt: attempt }, draft);
    });
  }

  /* The quiz taken on the phone from the kept copy: questions only, the answer key never reaches the device. */
  function offerOfflineQuiz(id) {
    caches.match('/api/modules/' + id + '/quiz', { ignoreVary: true }).then(function (r) { return r && r.json(); }).then(function (quiz) {
      if (!quiz) { return; }
      var b = el('button', 'button', t('js.quizHere')); b.type = 'button';
      main.appendChild(b);
      b.onclick = function () {
        var form = el('form', 'quiz');
        quiz.questions.forEach(function (q) {
          var f = el('fieldset', 'question'), legend = el('legend', '', t('js.question', q.number));
          f.lang = q.lang; f.appendChild(legend);
          [q.scenarioHtml, q.promptHtml].forEach(function (html) {
            if (html) { var d = el('div', 'prose'); d.innerHTML = html; f.appendChild(d); }  // sanitized on the server
          });
          // a quiz that varies gives the order to show the options in; each answers by its position as written
          (q.order || q.options.map(function (x, n) { return n; })).forEach(function (n) {
            var html = q.options[n], row = el('div', 'option'), input = el('input'), label = el('label');
            input.type = q.multiple ? 'checkbox' : 'radio'; input.name = 'q.' + q.id; input.value = n; input.id = 'q-' + q.id + '-' + n;
            label.htmlFor = input.id; label.innerHTML = html;
            row.appendChild(input); row.appendChild(label); f.appendChild(row);
          });
          form.appendChild(f);
        });
        var submit = el('button', 'button', t('js.submit')); submit.type = 'submit'; form.appendChild(submit);
        var draftKey = 'draft:' + id + ':' + quiz.version + (quiz.round == null ? '' : ':' + quiz.round);
        form.addEventListener('submit', function (ev) {
          ev.preventDefault();
          submitOffline(form, doc.querySelector('.crumbs a[href^="/modules/"]').textContent,
            { kind: 'attempt', module: id, version: quiz.version, round: quiz.round }, draftKey);
        });
        b.replaceWith(form);
        autosave(form, draftKey);
      };
    });
  }
}());
// The LTI Deep Linking answer goes back to the platform at once; without script, its button sends it.
(function () {
  'use strict';
  var form = document.querySelector('form[data-autosubmit]');
  if (form) { form.submit(); }
}());
// LTI Dynamic Registration: the platform that opened the registration is told it is over (it closes its window).
(function () {
  'use strict';
  if (document.querySelector('[data-lti-close]')) {
    (window.opener || window.parent).postMessage({ subject: 'org.imsglobal.lti.close' }, '*');
  }
}());
