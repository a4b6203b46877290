/*
 * nonsocket.h: a descriptor that is open but is not a socket, for the
 * behaviours of socket calls given one (ENOTSOCK).  Include after
 * sockconf.h.
 */
#ifndef SOCKCONF_NONSOCKET_H
#define SOCKCONF_NONSOCKET_H

/*
 * An open descriptor that refers to a temporary regular file, never to a
 * socket; lib closes it when the family ends (the case must not).  Fails
 * the family when no such file can be made.
 */
int open_non_socket(void);

#endif
