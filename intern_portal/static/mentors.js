// Import progress: poll the job's status endpoint and move the bar; reload once it finishes.
(function () {
  var panel = document.getElementById("import-job");
  if (!panel) {
    return;
  }
  var bar = panel.querySelector(".import-progress-bar");
  var count = document.getElementById("import-count");
  var progress = panel.querySelector(".progress");

  function show(percent) {
    if (bar) {
      bar.style.width = percent + "%";
    }
    if (progress) {
      progress.setAttribute("aria-valuenow", String(percent));
    }
  }

  if (bar) {
    show(Number(bar.dataset.percent || 0));
  }
  if (panel.dataset.finished === "true") {
    return;
  }

  function poll() {
    fetch(panel.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("status " + response.status);
        }
        return response.json();
      })
      .then(function (status) {
        show(status.percent);
        if (count) {
          count.textContent = status.processed + " of " + status.total;
        }
        if (status.finished || String(status.stalled) !== panel.dataset.stalled) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () {
        window.setTimeout(poll, 3000);
      });
  }

  window.setTimeout(poll, 500);
})();
