// Feedback for the questionnaire's autosave; htmx does the saving (see rounds/respondent_page.html).
// Each question shows its own status beside it. Screen readers hear one polite live region, written only when its
// text changes: "Saved" once, then again only after an error, so a click does not set off an announcement each time.
(function () {
  "use strict";

  function isItemStatus(element) {
    return element && element.classList && element.classList.contains("site-item-status");
  }

  function announce(text) {
    var region = document.getElementById("save-status");
    if (region && region.textContent !== text) {
      region.textContent = text;
    }
  }

  // htmx leaves 4xx/5xx replies unswapped; here they carry the reason, which belongs beside the question.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (isItemStatus(event.detail.target) && event.detail.xhr.status >= 400) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    if (isItemStatus(event.detail.target)) {
      announce(event.detail.target.textContent.trim());
    }
  });

  // No reply at all (offline, server down): say so; the choice stays checked and is sent again with the page.
  function offline(event) {
    var target = event.detail.target;
    var form = target && target.closest ? target.closest("form") : null;
    if (!isItemStatus(target) || !form) {
      return;
    }
    var message = document.createElement("span");
    message.className = "site-save-error";
    message.textContent = form.getAttribute("data-autosave-offline");
    target.replaceChildren(message);
    announce(message.textContent);
  }
  document.addEventListener("htmx:sendError", offline);
  document.addEventListener("htmx:timeout", offline);
})();
