// SPDX-License-Identifier: MIT
/* /bench/hello: the smallest ordinary static program (musl start-up, then
 * exit 0). bench execs it to time fork + execve + wait. Prints nothing, so
 * the serial console does not weigh on the figure. */
int main(void)
{
    return 0;
}
