/* Security keys (WebAuthn) on the two-factor pages, where the browser offers them.
 *
 * What needs a key (marked data-needs-webauthn) is hidden in a browser without WebAuthn, and
 * what stands in for it (data-without-webauthn) is shown instead. When a key fails (cancelled,
 * unknown, timed out), allauth's scripts raise an "allauth.error" event: the page then shows its
 * message (data-webauthn-error) instead of writing to the console only.
 *
 * No inline script: a static file, like allauth's own WebAuthn scripts it stands beside.
 */
(function () {
  "use strict";

  var supported = typeof window.PublicKeyCredential !== "undefined";

  function show(selector, visible) {
    document.querySelectorAll(selector).forEach(function (element) {
      element.hidden = !visible;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    show("[data-needs-webauthn]", supported);
    show("[data-without-webauthn]", !supported);
  });

  document.addEventListener("allauth.error", function (event) {
    event.preventDefault();
    show("[data-webauthn-error]", true);
  });
})();
