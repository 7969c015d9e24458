// COIN-OR Clp through its plain C interface (Debian coinor-libclp-dev).
#include <coin/Clp_C_Interface.h>
