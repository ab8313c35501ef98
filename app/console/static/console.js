// Starts GOV.UK Frontend's components; every console page also works without JavaScript.
import { initAll } from "./govuk-frontend.min.js";

// A second click on a form's button within a second is ignored (the server also does a repeated form once).
initAll({ button: { preventDoubleClick: true } });
