/* MIQUA: the small behaviours of every page, as a static file (the content security policy
 * allows no inline script or event handler).
 *
 * - <select data-submit-on-change>: choosing an option sends its form (the language picker;
 *   without JavaScript a button in <noscript> does it).
 * - <form data-confirm="question">: sending the form asks the question first; "Cancel" keeps
 *   the page as it is. Without JavaScript the form is sent without asking.
 */
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var select = event.target;
    if (select instanceof HTMLSelectElement && select.hasAttribute("data-submit-on-change")) {
      select.form.submit();
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });
})();
