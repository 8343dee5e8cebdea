// Fills in each .job-progress element from the jobs API (GET /api/v1/jobs/{id}/)
// until its job ends: the bar, "done/total", the status and the download link.
(function () {
  "use strict";
  const POLL_MS = 1000;

  function follow(box) {
    const bar = box.querySelector("progress");
    const count = box.querySelector("[data-job-count]");
    const status = box.querySelector("[data-job-status]");
    const download = box.querySelector("[data-job-download]");
    async function poll() {
      let job;
      try {
        const response = await fetch(box.dataset.jobUrl, {headers: {Accept: "application/json"}, credentials: "same-origin"});
        if (!response.ok) throw new Error(response.status);
        job = await response.json();
      } catch (error) {
        setTimeout(poll, POLL_MS * 3);
        return;
      }
      bar.max = Math.max(job.total, 1);
      bar.value = job.done;
      count.textContent = `${job.done}/${job.total}`;
      const ended = job.status === "done" || job.status === "failed";
      status.textContent = job.status === "done" ? box.dataset.textDone
        : job.status === "failed" ? box.dataset.textFailed : box.dataset.textRunning;
      if (job.download_url) {
        download.href = job.download_url;
        download.parentElement.hidden = false;
      }
      if (!ended) setTimeout(poll, POLL_MS);
      else if (box.hasAttribute("data-reload")) window.location.reload();
    }
    poll();
  }

  document.querySelectorAll(".job-progress[data-job-url]").forEach((box) => {
    if (box.dataset.status === "pending" || box.dataset.status === "running") follow(box);
  });
})();
