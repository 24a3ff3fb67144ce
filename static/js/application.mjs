// Starts govuk-frontend's components (service navigation menu, skip link, notification banners, ...).
import { initAll } from "../govuk/govuk-frontend.min.js";

initAll();
