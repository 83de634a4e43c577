/* Checks a certificate's signed credential in the browser, with no server: the QR code's address carries it in its
   fragment (never sent to any server). The issuer keys and the signed revocation list are kept on the phone each time
   this page is opened online, with the page itself, so that the next check works offline; the verdict says the date of
   the list it used. Every way of not being valid has its own reason, as on the server (CredentialService.check). */
(function () {
  'use strict';
  var doc = document, box = doc.getElementById('offline-check');
  if (!box) { return; }
  var KEPT = 'pillars-kept', MAX = 4096, GRACE = 60, lang = doc.documentElement.lang || 'en';
  var texts = {};
  doc.querySelectorAll('#offline-texts li').forEach(function (li) { texts[li.getAttribute('data-key')] = li.textContent; });
  // a function as the replacement: a '$&' in what a forger wrote stays as written
  function t(key, a, b) {
    return (texts[key] || key).replace('{0}', function () { return a === undefined ? '' : String(a); })
      .replace('{1}', function () { return b === undefined ? '' : String(b); });
  }
  var titles = JSON.parse(box.getAttribute('data-titles') || '{}');
  var jwksUrl = box.getAttribute('data-jwks'), listUrl = box.getAttribute('data-revocations');

  /* Online: keep the page shell, the keys and the list (and the files this page uses) for the next check offline. */
  function keep() {
    if (!window.caches || !navigator.onLine) { return Promise.resolve(); }
    var urls = ['/verify', jwksUrl, listUrl];
    doc.querySelectorAll('link[rel=stylesheet], link[rel=icon], script[src]').forEach(function (l) { urls.push(l.getAttribute('href') || l.getAttribute('src')); });
    return caches.open(KEPT).then(function (c) {
      return Promise.all(urls.map(function (u) {
        return fetch(u, { credentials: 'omit', headers: { 'Accept-Language': lang } }).then(function (r) { return r.ok ? c.put(u, r) : null; }, function () { return null; });
      }));
    });
  }

  /* The network's copy while there is one, else the kept one. */
  function get(url) {
    return fetch(url, { credentials: 'omit' }).then(function (r) { if (!r.ok) { throw new Error(url); } return r; })
      .catch(function () { return window.caches ? caches.match(url, { ignoreVary: true }) : null; })
      .then(function (r) { return r ? r.text() : null; });
  }

  function b64(s) {
    var bin = atob(s.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((s.length + 3) % 4));
    var out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { out[i] = bin.charCodeAt(i); }
    return out;
  }
  function json(s) { return JSON.parse(new TextDecoder().decode(b64(s))); }

  function parse(token) {
    var parts = token.split('.');
    if (parts.length !== 3 || !parts[2]) { return null; }
    try {
      var h = json(parts[0]), p = json(parts[1]);
      if (!h || typeof h !== 'object' || !p || typeof p !== 'object') { return null; }
      return { header: h, payload: p, input: new TextEncoder().encode(parts[0] + '.' + parts[1]), signature: b64(parts[2]) };
    } catch (e) { return null; }
  }

  function verify(jws, jwk) {
    if (jws.signature.length !== 64) { return Promise.resolve(false); }
    return crypto.subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, ext: true },
      { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify'])
      .then(function (key) { return crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, jws.signature, jws.input); })
      .catch(function () { return false; });
  }

  function invalid(reason, detail) { return { ok: false, text: t('verify.notValid', t('verify.why.' + reason, detail)) }; }

  function check(token, pathCode) {
    if (!token) { return Promise.resolve(invalid('empty')); }
    if (token.length > MAX) { return Promise.resolve(invalid('tooLong', MAX)); }
    var jws = parse(token);
    if (!jws) { return damaged(token); }
    var h = jws.header, p = jws.payload;
    if (h.alg !== 'ES256') { return Promise.resolve(invalid('alg', String(h.alg))); }
    if (h.typ !== 'pillars-qr+jwt') { return Promise.resolve(invalid('typ', String(h.typ))); }
    if (p.iss !== location.origin) { return Promise.resolve(invalid('otherSite', String(p.iss))); }
    if (!window.crypto || !crypto.subtle) { return Promise.resolve(invalid('noKeys')); }
    return get(jwksUrl).then(function (text) {
      var keys = text ? JSON.parse(text).keys : null;
      if (!keys) { return invalid('noKeys'); }
      var jwk = keys.filter(function (k) { return k.kid === h.kid; })[0];
      if (!jwk) { return invalid('kid', String(h.kid)); }
      return verify(jws, jwk).then(function (good) {
        if (!good) { return invalid('signature'); }
        if (typeof p.nbf !== 'number' || typeof p.jti !== 'string') { return invalid('malformed'); }
        if (jwk.retired && p.nbf > Date.parse(jwk.retired) / 1000 + GRACE) { return invalid('retired', day(Date.parse(jwk.retired) / 1000)); }
        if (pathCode && pathCode !== p.jti) { return invalid('otherCode', p.jti); }
        return revocations(keys).then(function (list) {
          if (!list) { return { ok: false, text: t('verify.notValid', t('verify.why.noKeys')), claims: p }; }
          var hit = list.revoked.filter(function (r) { return r.id === p.jti; })[0];
          return hit ? { ok: false, text: t('verify.offline.revoked', day(list.iat)), claims: p }
            : { ok: true, text: t('verify.offline.valid', day(list.iat)), claims: p };
        });
      });
    });
  }

  /* A token whose payload no longer parses under a header of ours: changed after signing if the signature fails. */
  function damaged(token) {
    var parts = token.split('.'), h;
    try { h = parts.length === 3 && parts[2] ? json(parts[0]) : null; } catch (e) { h = null; }
    if (!h || h.alg !== 'ES256' || !window.crypto || !crypto.subtle) { return Promise.resolve(invalid('malformed')); }
    var jws = { input: new TextEncoder().encode(parts[0] + '.' + parts[1]), signature: b64(parts[2]) };
    return get(jwksUrl).then(function (text) {
      var jwk = text ? (JSON.parse(text).keys || []).filter(function (k) { return k.kid === h.kid; })[0] : null;
      return jwk ? verify(jws, jwk).then(function (good) { return invalid(good ? 'malformed' : 'signature'); }) : invalid('malformed');
    }).catch(function () { return invalid('malformed'); });
  }

  /* The revocation list, only if it is signed by one of the site's keys and is of this site. */
  function revocations(keys) {
    return get(listUrl).then(function (text) {
      var jws = text && parse(text.trim());
      if (!jws || jws.header.alg !== 'ES256' || jws.header.typ !== 'pillars-revocations+jwt' || jws.payload.iss !== location.origin) { return null; }
      var jwk = keys.filter(function (k) { return k.kid === jws.header.kid; })[0];
      return jwk ? verify(jws, jwk).then(function (good) { return good && Array.isArray(jws.payload.revoked) ? jws.payload : null; }) : null;
    });
  }

  function day(seconds) { return new Date(seconds * 1000).toLocaleDateString(lang, { year: 'numeric', month: 'long', day: 'numeric' }); }

  function show(v) {
    var verdict = doc.getElementById('offline-verdict'), facts = doc.getElementById('offline-facts');
    verdict.textContent = v.text;
    verdict.className = 'notice ' + (v.ok ? 'valid' : 'revoked');
    verdict.setAttribute('data-outcome', v.ok ? 'valid' : 'invalid');
    facts.textContent = '';
    var p = v.claims;
    if (p) {
      [['verify.name', (p.r ? p.r + ' ' : '') + p.n], ['verify.organisation', p.o],
       ['certificate.serviceNumber', p.sn ? '•••' + p.sn : null], ['verify.module', (titles[p.m] || p.m) + ' (v' + p.v + ')'],
       ['certificate.date', day(p.nbf)], ['certificate.score', p.s + ' %'], ['certificate.code', p.jti]].forEach(function (f) {
        if (f[1] === null || f[1] === undefined) { return; }
        var dt = doc.createElement('dt'), dd = doc.createElement('dd');
        dt.textContent = t(f[0]);
        dd.textContent = String(f[1]);
        facts.appendChild(dt);
        facts.appendChild(dd);
      });
    }
    box.hidden = false;
  }

  // offline, the forms that ask the server cannot be sent: only the check on the phone is offered
  if (!navigator.onLine) { doc.querySelectorAll('.online-only').forEach(function (f) { f.hidden = true; }); }
  var code = (location.pathname.match(/^\/verify\/([^/]+)$/) || [])[1];
  try { code = code ? decodeURIComponent(code).trim().toUpperCase() : null; } catch (e) { code = null; }
  var token = location.hash.length > 1 ? location.hash.slice(1) : '';
  try { token = decodeURIComponent(token); } catch (e) { /* left as it is: parse() says it is malformed */ }
  var checked = token ? (doc.getElementById('offline-verdict').textContent = t('verify.offline.checking'), box.hidden = false,
    check(token, code).then(show, function () { show(invalid('malformed')); })) : Promise.resolve();
  checked.then(keep);
})();
