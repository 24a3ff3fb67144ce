// Starts govuk-frontend's components (service navigation menu, skip link, notification banners, ...).
import { initAll } from "../govuk/govuk-frontend.min.js";

initAll();

// A page that follows work in progress (an import) asks to be reloaded until the work is done.
const refresh = document.querySelector('meta[name="app-refresh-after-ms"]');
if (refresh) {
  setTimeout(() => window.location.reload(), Number(refresh.content) || 2000);
}
