import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, Length, Matches } from 'class-validator';
import { DEPARTMENT_KINDS, type DepartmentEntity, type DepartmentKind } from '../../../../libs/persistence/src/entities/department.entity.js';

export class CreateDepartmentDto {
  @ApiProperty({ example: 'payments', description: 'Stable lower-case key: letters, digits and dashes.' })
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9-]{0,62}$/, { message: 'key must be lower-case letters, digits and dashes (at most 63)' })
  key: string;

  @ApiProperty({ example: 'Payments' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ enum: DEPARTMENT_KINDS, example: 'other', description: '`customer-service` departments own the contact queues; others lend staff.' })
  @IsIn(DEPARTMENT_KINDS)
  kind: DepartmentKind;
}

export class UpdateDepartmentDto extends CreateDepartmentDto {}

export class DepartmentDto {
  @ApiProperty({ example: '6f1c1d2a-5b7e-4f3a-9c8d-0e1f2a3b4c5d' })
  id: string;

  @ApiProperty({ example: 'payments' })
  key: string;

  @ApiProperty({ example: 'Payments' })
  name: string;

  @ApiProperty({ enum: DEPARTMENT_KINDS, example: 'other' })
  kind: DepartmentKind;

  @ApiProperty({ example: '2026-11-22T10:00:00.000Z' })
  createdAt: string;

  @ApiProperty({ example: '2026-11-22T10:00:00.000Z' })
  updatedAt: string;

  static from(d: DepartmentEntity): DepartmentDto {
    return { id: d.id, key: d.key, name: d.name, kind: d.kind, createdAt: d.createdAt.toISOString(), updatedAt: d.updatedAt.toISOString() };
  }
}
