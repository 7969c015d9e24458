// The adaptive Runge-Kutta integrator lives in Integrator/.
