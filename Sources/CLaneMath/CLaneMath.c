// CLaneMath is header-only (include/CLaneMath.h); SwiftPM needs one source file per C target.
#include "CLaneMath.h"
