// mauve.js: live updates for the alert list and the alert page, with no
// framework. The page marks its live region with data-fragment="URL"; on
// every change the station announces on /api/v1/events (Server-Sent
// Events) the script fetches that URL and swaps each element marked
// data-live by id, keeping checked boxes, focus and typed text intact.
(function () {
  "use strict";
  // "Select every alert shown" in the bulk panel needs the script.
  var all = document.querySelector("[data-select-all]");
  if (all) {
    all.hidden = false;
    all.addEventListener("click", function () {
      var boxes = document.querySelectorAll("#alerts input[type=checkbox]");
      var every = Array.prototype.every.call(boxes, function (b) { return b.checked; });
      boxes.forEach(function (b) { b.checked = !every; });
    });
  }
  var box = document.querySelector("[data-fragment]");
  var status = document.querySelector("[data-testid=live]");
  if (!box || !window.EventSource || !window.fetch) {
    return;
  }
  var timer = 0, busy = false, again = false;

  function say(text) {
    if (status && status.textContent !== text) {
      status.textContent = text;
    }
  }

  function schedule(delay) {
    if (!timer) {
      timer = setTimeout(function () { timer = 0; refresh(); }, delay);
    }
  }

  function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    fetch(box.getAttribute("data-fragment"), { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (r) {
        if (r.status === 401 || r.status === 403 || r.redirected && /\/login/.test(r.url)) {
          say("Logged out: reload the page to log in again.");
          throw new Error("logged out");
        }
        if (!r.ok) { throw new Error("HTTP " + r.status); }
        return r.text();
      })
      .then(swap)
      .catch(function (e) { if (String(e.message) !== "logged out") { say("Update failed; retrying."); } })
      .finally(function () {
        busy = false;
        if (again) { again = false; schedule(100); }
      });
  }

  function swap(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var checked = {};
    box.querySelectorAll("input[type=checkbox]:checked").forEach(function (i) { checked[i.value] = true; });
    // Remember what has focus so it can be found again in the new markup;
    // a region where the person is typing is left alone.
    var active = document.activeElement;
    var typing = active && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName) && active.type !== "checkbox";
    var refocus = null;
    if (active && active.type === "checkbox") {
      refocus = "input[type=checkbox][value=\"" + CSS.escape(active.value) + "\"]";
    } else if (active && active.tagName === "A") {
      refocus = "a[href=\"" + CSS.escape(active.getAttribute("href")) + "\"]";
    }
    doc.querySelectorAll("[data-live][id]").forEach(function (fresh) {
      var old = document.getElementById(fresh.id);
      if (old && !(typing && old.contains(active))) {
        old.replaceWith(document.importNode(fresh, true));
      }
    });
    box.querySelectorAll("input[type=checkbox]").forEach(function (i) {
      if (checked[i.value]) { i.checked = true; }
    });
    var counted = document.querySelector("[data-raised]");
    if (counted) {
      var n = Number(counted.getAttribute("data-raised"));
      document.title = (n > 0 ? "(" + n + ") " : "") + document.title.replace(/^\(\d+\) /, "");
    }
    if (refocus && (!document.activeElement || document.activeElement === document.body)) {
      var again = box.querySelector(refocus);
      if (again) { again.focus(); }
    }
    say("Live");
  }

  var es = new EventSource("/api/v1/events");
  // On every (re)connection catch up on what changed while not listening:
  // between rendering the page and connecting, or while the network was away.
  es.onopen = function () { say("Live"); schedule(100); };
  es.onmessage = function () { schedule(150); };
  es.addEventListener("change", function () { schedule(150); });
  // The station fell behind on this stream and dropped changes: fetch the
  // list now rather than after the next change.
  es.addEventListener("resync", function () { schedule(0); });
  es.onerror = function () {
    say(es.readyState === EventSource.CLOSED ? "Live updates stopped: reload the page." : "Reconnecting…");
  };
  // Ages ("12m") move on even when nothing changes.
  setInterval(function () { schedule(0); }, 60000);
})();
