/* The steps of an application (templates/credits/application_step.html): jumping to another
 * step with unsaved changes saves them first, so not a word is lost; leaving the page with
 * unsaved changes asks first. */
(function () {
  "use strict";

  var form = document.getElementById("step-form");
  if (!form) return;
  var dirty = false;
  // A page shown again with errors holds typed values that are not saved yet.
  var unsaved = form.dataset.unsaved === "true";
  form.addEventListener("input", function () { dirty = true; });
  form.addEventListener("change", function () { dirty = true; });
  form.addEventListener("submit", function () { dirty = false; unsaved = false; });
  document.querySelectorAll(".steps a[data-step]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (!dirty) return;
      event.preventDefault();
      form.elements.goto.value = link.dataset.step;
      dirty = false;
      unsaved = false;
      form.submit();
    });
  });
  window.addEventListener("beforeunload", function (event) {
    if (dirty || unsaved) { event.preventDefault(); event.returnValue = ""; }
  });
})();
