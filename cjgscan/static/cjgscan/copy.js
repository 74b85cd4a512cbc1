// Copy buttons: <button data-copy="ID" data-copied="Copied" hidden> copies the value of the field with that id.
// Without JavaScript the buttons stay hidden and the read-only fields can be selected and copied by hand.
(function () {
  "use strict";
  function copy(button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    var status = document.getElementById(button.getAttribute("aria-describedby"));
    if (!field) { return; }
    function done() { if (status) { status.textContent = button.getAttribute("data-copied"); } }
    function byHand() {
      field.focus();
      field.select();
      try { if (document.execCommand("copy")) { done(); } } catch (error) { /* selected: the user copies */ }
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, byHand);
    } else {
      byHand();
    }
  }
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { copy(button); });
  });
})();
