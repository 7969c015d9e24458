// SAMFlow: continuous-time dynamics for SAMLab (gradient flows and SAM flows dw/dt = −∇L(w + ε(w))).
//
// Integrator/ holds a self-contained adaptive ODE integrator (no dependency on SAMCore):
//   VectorField / ClosureField   the right-hand side f(t, y)
//   DormandPrince54              the DP5(4) stepper with FSAL and 4th-order dense output
//   StepSizeController           error norm, PI step-size control, initial step
//   SaveAt                       output grid (from the dense output)
//   Event / EventOccurrence      zero crossings of g(t, y), located by Brent's method
//   Integrator.solve             the driver; returns an ODESolution with an ODEResult code
