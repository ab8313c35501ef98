// Starts GOV.UK Frontend's components; every console page also works without JavaScript.
import { initAll } from "./govuk-frontend.min.js";

initAll();
