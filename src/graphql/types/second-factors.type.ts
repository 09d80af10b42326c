import { Field, Int, ObjectType } from 'type-graphql';
import { PasskeyType } from './passkey';

@ObjectType({ description: 'What beginTotpEnrollment hands out once: the secret never leaves the server again.' })
export class TotpEnrollment {
  @Field({ description: 'Base32, for typing into an authenticator app.' }) secret!: string;
  @Field({ description: 'otpauth://totp/… for a QR code or a deep link.' }) otpauthUri!: string;
  @Field({ description: 'The otpauthUri as a standalone SVG QR code.' }) qrCodeSvg!: string;
}

@ObjectType()
export class SecondFactors {
  @Field({ description: 'True once an authenticator app is confirmed: sign-ins then need a code.' }) totp!: boolean;
  @Field(() => [PasskeyType]) passkeys!: PasskeyType[];
  @Field(() => Int, { description: 'Unused recovery codes.' }) recoveryCodesLeft!: number;
}
