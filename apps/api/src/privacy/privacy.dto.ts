import { ApiProperty } from '@nestjs/swagger';

export class ErasureDto {
  @ApiProperty({ example: '5c2d3e4f-6a7b-4c8d-9e0f-1a2b3c4d5e6f', description: 'The customer (kept without identifiers, so aggregated figures stay the same).' })
  customerId: string;

  @ApiProperty({ example: '2026-11-22T10:00:00.000Z' })
  erasedAt: string;

  @ApiProperty({ type: 'integer', example: 3, description: 'Contacts whose caller name, customer reference or subject were removed.' })
  contacts: number;

  @ApiProperty({ type: 'integer', example: 1, description: 'Surveys whose comment was removed (scores kept).' })
  surveys: number;

  @ApiProperty({ type: 'integer', example: 0, description: 'Survey invitations not yet sent, cancelled.' })
  invitationsCancelled: number;

  @ApiProperty({ type: 'integer', example: 1, description: 'Customer records whose number and reference were removed (0 when already erased).' })
  customers: number;
}
