/* The Makefile's probe: does libpcap compile and link here? */
#include <pcap/pcap.h>

int main(void)
{
	return pcap_lib_version() == NULL;
}
