/* Work sessions: the big screen, the regie and the phones follow the session without a reload.
 * Every few seconds a region with data-live-url asks for its fragment, sending the version it has (ETag);
 * "304 Not Modified" means nothing changed. Countdowns ([data-seconds]) tick locally from the seconds the
 * server gave; the server closes input at zero whatever this script does.
 * Plain ES5 and XMLHttpRequest on purpose: it has to run on old phones too. */
(function () {
  "use strict";
  var POLL_MS = 2500;
  var SLOW_POLL_MS = 10000;

  function each(list, fn) {
    for (var i = 0; i < list.length; i++) { fn(list[i]); }
  }

  function clock(seconds) {
    var s = seconds % 60;
    return Math.floor(seconds / 60) + ":" + (s < 10 ? "0" : "") + s;
  }

  function startTimers(root) {
    var now = new Date().getTime();
    each(root.querySelectorAll("[data-seconds]"), function (el) {
      el.setAttribute("data-deadline", String(now + 1000 * parseInt(el.getAttribute("data-seconds"), 10)));
    });
  }

  function closeInput(question) {
    each(document.querySelectorAll("[data-closes-with='" + question + "']"), function (el) {
      each(el.querySelectorAll("textarea, input, button, a"), function (control) {
        if (control.tagName === "A") { control.setAttribute("hidden", ""); } else { control.disabled = true; }
      });
      el.setAttribute("hidden", "");
    });
    each(document.querySelectorAll("[data-time-up-for='" + question + "']"), function (el) {
      el.removeAttribute("hidden");
    });
  }

  function tick() {
    var now = new Date().getTime();
    each(document.querySelectorAll("[data-deadline]"), function (el) {
      var left = Math.max(0, Math.ceil((parseInt(el.getAttribute("data-deadline"), 10) - now) / 1000));
      var face = el.querySelector(".ws-timer__clock");
      var text = left > 0 ? clock(left) : el.getAttribute("data-up-text");
      if (face && face.textContent !== text) { face.textContent = text; }
      if (left === 0 && el.className.indexOf("ws-timer--up") < 0) {
        el.className += " ws-timer--up";
        closeInput(el.getAttribute("data-question"));
      }
    });
  }

  // What the user changed in a region's fields (ticked notes, a name being typed) survives the swap: by id.
  function changedFields(region) {
    var kept = [];
    each(region.querySelectorAll("input[id], select[id]"), function (field) {
      if (field.type === "checkbox" || field.type === "radio") {
        if (field.checked !== field.defaultChecked) { kept.push([field.id, "checked", field.checked]); }
      } else if (field.tagName === "SELECT") {
        each(field.options, function (option) {
          if (option.selected !== option.defaultSelected) { kept.push([field.id, "value", field.value]); }
        });
      } else if (field.type !== "hidden" && field.value !== field.defaultValue) {
        kept.push([field.id, "value", field.value]);
      }
    });
    return kept;
  }

  function restoreFields(region, kept) {
    each(kept, function (change) {
      var field = document.getElementById(change[0]);
      if (field && region.contains(field)) { field[change[1]] = change[2]; }
    });
  }

  function poll(region) {
    var request = new XMLHttpRequest();
    request.open("GET", region.getAttribute("data-live-url"), true);
    request.setRequestHeader("If-None-Match", region.getAttribute("data-etag") || "");
    request.onreadystatechange = function () {
      if (request.readyState !== 4) { return; }
      var wait = POLL_MS;
      if (request.status === 200) {
        var focused = document.activeElement && document.activeElement.id;
        var kept = changedFields(region);
        region.innerHTML = request.responseText;
        restoreFields(region, kept);
        region.setAttribute("data-etag", request.getResponseHeader("ETag") || "");
        startTimers(region);
        tick();
        // A control inside the region keeps the focus across the swap (the regie's moderation buttons).
        var again = focused && document.getElementById(focused);
        if (again && region.contains(again)) { again.focus(); }
      } else if (request.status !== 304) {
        wait = SLOW_POLL_MS; // the network or the server is having trouble: ask less often
      }
      window.setTimeout(function () { poll(region); }, wait);
    };
    request.send();
  }

  function start() {
    startTimers(document);
    tick();
    window.setInterval(tick, 500);
    each(document.querySelectorAll("[data-live-url]"), function (region) {
      window.setTimeout(function () { poll(region); }, POLL_MS);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
