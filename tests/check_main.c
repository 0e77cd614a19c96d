/* check_main.c: runs every suite in one SRunner; exits non-zero on failure.
 *
 * TCases tagged "slow" run only with CDNSIM_SLOW=1 (`make test-all`).
 * CK_RUN_SUITE, CK_RUN_CASE and CK_INCLUDE_TAGS select as usual;
 * CK_EXCLUDE_TAGS, when set, replaces the default exclusion of "slow".
 */
#include <stdlib.h>

#include "suites.h"

int
main(void)
{
    SRunner *sr = srunner_create(NULL);
#define X(name) srunner_add_suite(sr, name##_suite());
    CDNSIM_SUITES(X)
#undef X
    const char *exclude = getenv("CK_EXCLUDE_TAGS");
    if (exclude == NULL && !test_slow_enabled())
        exclude = "slow";
    srunner_run_tagged(sr, NULL, NULL, NULL, exclude, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
